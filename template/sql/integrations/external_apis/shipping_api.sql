-- Shipments leave the database through the outbox (integrations/outbox.sql);
-- the relay's shipping adapter (scripts/adapters.py) asks the carrier for one,
-- with the row's idempotency key, and the answer's tracking number comes back
-- to the order.
--
--   app.request_shipment(order_id, details jsonb) -> outbox id
--       channel shipping, action create_shipment, key order-<id>-shipment;
--       the payload lists the order's lines (product_id, sku, quantity) and
--       carries `details` (an address, a service level) as given
--   app.shipment_created_result(payload, result)  the result handler:
--       result {"tracking_number": text}
--       -> app.order_shipment_created(order_id, tracking_number)

create or replace function app.request_shipment(order_id bigint, details jsonb default '{}')
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    lines jsonb;
begin
    select coalesce(
        jsonb_agg(
            jsonb_build_object(
                'product_id', l.product_id, 'sku', p.sku, 'quantity', l.quantity
            )
            order by l.product_id
        ),
        '[]'
    ) into lines
    from app_private.order_lines as l
    inner join app_private.products as p on l.product_id = p.id
    where l.order_id = request_shipment.order_id;
    return app.outbox_enqueue(
        'shipping',
        'create_shipment',
        coalesce(details, '{}')
        || jsonb_build_object(
            'order_id', order_id, 'reference', 'order-' || order_id, 'lines', lines
        ),
        'order-' || order_id || '-shipment'
    );
end;
$$;

revoke execute on function app.request_shipment(bigint, jsonb) from public;

create or replace function app.shipment_created_result(payload jsonb, result jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if coalesce(result ->> 'tracking_number', '') = '' then
        raise exception using
            errcode = '22023', message = 'a created shipment needs a tracking_number';
    end if;
    perform app.order_shipment_created(
        (payload ->> 'order_id')::bigint, result ->> 'tracking_number'
    );
end;
$$;

revoke execute on function app.shipment_created_result(jsonb, jsonb) from public;

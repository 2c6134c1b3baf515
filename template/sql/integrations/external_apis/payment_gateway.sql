-- Payments leave the database through the outbox (integrations/outbox.sql);
-- the relay's payment adapter (scripts/adapters.py) calls the gateway with the
-- row's idempotency key as its Idempotency-Key, so a retried delivery never
-- charges twice. Amounts travel as strings ("12.50"): exact, never a float.
--
--   app.request_payment(order_id, amount, currency, idempotency_key) -> outbox id
--       channel payment, action charge; key order-<id>-charge unless given
--       (a new attempt after a declined charge needs a new key)
--   app.request_refund(order_id, payment_reference, amount, idempotency_key)
--       -> outbox id; channel payment, action refund; key order-<id>-refund
--   app.payment_charge_result(payload, result)   the result handler of a
--       charge: result {"succeeded": bool, "reference": text, "decline_code"}
--       -> app.order_payment_result(order_id, succeeded, reference)

create or replace function app.request_payment(
    order_id bigint,
    amount numeric,
    currency text default 'USD',
    idempotency_key text default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if amount is null or amount <= 0 then
        raise exception using errcode = '22023', message = 'a payment amount must be positive';
    end if;
    return app.outbox_enqueue(
        'payment',
        'charge',
        jsonb_build_object(
            'order_id', order_id,
            'amount', round(amount, 2)::text,
            'currency', upper(currency),
            'reference', 'order-' || order_id
        ),
        coalesce(idempotency_key, 'order-' || order_id || '-charge')
    );
end;
$$;

revoke execute on function app.request_payment(bigint, numeric, text, text) from public;

create or replace function app.request_refund(
    order_id bigint,
    payment_reference text,
    amount numeric,
    idempotency_key text default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if amount is null or amount <= 0 then
        raise exception using errcode = '22023', message = 'a refund amount must be positive';
    end if;
    return app.outbox_enqueue(
        'payment',
        'refund',
        jsonb_build_object(
            'order_id', order_id,
            'payment_reference', payment_reference,
            'amount', round(amount, 2)::text,
            'reference', 'order-' || order_id
        ),
        coalesce(idempotency_key, 'order-' || order_id || '-refund')
    );
end;
$$;

revoke execute on function app.request_refund(bigint, text, numeric, text) from public;

-- A declined charge is an answer too: the order moves to payment_failed, with
-- the decline code as its reference.
create or replace function app.payment_charge_result(payload jsonb, result jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.order_payment_result(
        (payload ->> 'order_id')::bigint,
        coalesce((result ->> 'succeeded')::boolean, false),
        coalesce(result ->> 'reference', result ->> 'decline_code')
    );
end;
$$;

revoke execute on function app.payment_charge_result(jsonb, jsonb) from public;

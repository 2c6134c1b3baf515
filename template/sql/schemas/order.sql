-- Order schemas: the validated shapes of the shop's input and output.
--
--   app.order_item           one line asked for: product_id, quantity
--   app.order_price          subtotal, discount, tax, total (services/pricing.sql)
--   api_v1.product           a product as the API returns it, with its available stock
--   api_v1.order_summary     an order in a list: totals and its number of lines
--   api_v1.order             an order with its lines (jsonb array of
--                            {product_id, sku, name, quantity, unit_price, line_total})
--   app.order_items(jsonb)   parses and checks the items a client sends
--   app.to_product(...), app.to_order(...), app.to_order_summary(...)
--
-- Types cannot be replaced in place, so each is created when missing; change
-- one with a migration.

do $types$
begin
    if to_regtype('app.order_item') is null then
        create type app.order_item as (
            product_id bigint,
            quantity integer
        );
    end if;
    if to_regtype('app.order_price') is null then
        create type app.order_price as (
            subtotal numeric(12, 2),
            discount numeric(12, 2),
            tax numeric(12, 2),
            total numeric(12, 2)
        );
    end if;
    if to_regtype('api_v1.product') is null then
        create type api_v1.product as (
            id bigint,
            sku text,
            name text,
            description text,
            price numeric(12, 2),
            available integer,
            is_active boolean,
            created_at timestamptz,
            updated_at timestamptz
        );
    end if;
    if to_regtype('api_v1.order_summary') is null then
        create type api_v1.order_summary as (
            id bigint,
            status text,
            currency text,
            subtotal numeric(12, 2),
            discount numeric(12, 2),
            tax numeric(12, 2),
            total numeric(12, 2),
            line_count integer,
            created_at timestamptz,
            updated_at timestamptz
        );
    end if;
    if to_regtype('api_v1.order') is null then
        create type api_v1.order as (
            id bigint,
            user_id bigint,
            status text,
            idempotency_key text,
            currency text,
            subtotal numeric(12, 2),
            discount numeric(12, 2),
            tax numeric(12, 2),
            total numeric(12, 2),
            payment_reference text,
            tracking_number text,
            lines jsonb,
            created_at timestamptz,
            updated_at timestamptz
        );
    end if;
end
$types$;

-- Whether a JSON value is a whole number between low and high. (plpgsql, so
-- the cast runs only for a number: SQL may fold a CASE branch too early.)
create or replace function app.json_whole_number(value jsonb, low numeric, high numeric)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    n numeric;
begin
    if jsonb_typeof(value) is distinct from 'number' then
        return false;
    end if;
    n := value::text::numeric;
    return n % 1 = 0 and n between low and high;
end;
$$;

-- The items of an order as a client sends them,
--   [{"product_id": 1, "quantity": 2}, ...]
-- checked and merged: one line per product (quantities of a product named
-- twice add up), in product order (so concurrent orders lock stock rows in the
-- same order and cannot deadlock). Not a non-empty array: UA021; a product id
-- that is not a positive whole number: UA015; a quantity that is not a whole
-- number from 1 to 1000: UA017 (the sum of a product's lines is checked by
-- order_lines_quantity_range when stored).
create or replace function app.order_items(items jsonb)
returns setof app.order_item
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    item jsonb;
begin
    if jsonb_typeof(items) is distinct from 'array' or jsonb_array_length(items) = 0 then
        perform app.raise_error('UA021');
    end if;
    for item in select e.value from jsonb_array_elements(items) as e loop
        if not app.json_whole_number(item -> 'product_id', 1, 9223372036854775807) then
            perform app.raise_error('UA015', coalesce(item ->> 'product_id', 'missing'));
        end if;
        if not app.json_whole_number(item -> 'quantity', 1, 1000) then
            perform app.raise_error('UA017', coalesce(item ->> 'quantity', 'missing'));
        end if;
    end loop;
    return query
    select
        (e.value ->> 'product_id')::bigint as product_id,
        sum((e.value ->> 'quantity')::integer)::integer as quantity
    from jsonb_array_elements(items) as e
    group by (e.value ->> 'product_id')::bigint
    order by product_id;
end;
$$;

create or replace function app.to_product(
    p app_private.products,
    stock app_private.inventory
) returns api_v1.product
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select row(
        p.id, p.sku, p.name, p.description, p.price,
        coalesce(stock.on_hand - stock.reserved, 0),
        p.is_active, p.created_at, p.updated_at
    )::api_v1.product
$$;

-- The lines are read as the caller: row-level security applies.
create or replace function app.to_order(o app_private.orders)
returns api_v1.order
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select row(
        o.id, o.user_id, o.status, o.idempotency_key, o.currency,
        o.subtotal, o.discount, o.tax, o.total,
        o.payment_reference, o.tracking_number,
        coalesce(
            (
                select
                    jsonb_agg(
                        jsonb_build_object(
                            'product_id', l.product_id,
                            'sku', p.sku,
                            'name', p.name,
                            'quantity', l.quantity,
                            'unit_price', l.unit_price,
                            'line_total', l.line_total
                        )
                        order by l.product_id
                    )
                from app_private.order_lines as l
                inner join app_private.products as p on l.product_id = p.id
                where l.order_id = o.id
            ),
            '[]'::jsonb
        ),
        o.created_at, o.updated_at
    )::api_v1.order
$$;

create or replace function app.to_order_summary(o app_private.orders)
returns api_v1.order_summary
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select row(
        o.id, o.status, o.currency, o.subtotal, o.discount, o.tax, o.total,
        (
            select count(*)::integer from app_private.order_lines as l
            where l.order_id = o.id
        ),
        o.created_at, o.updated_at
    )::api_v1.order_summary
$$;

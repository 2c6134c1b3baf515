-- Order repository: every read and write of the shop's tables (products,
-- inventory, orders, order_lines) goes through here. These functions run
-- with the privileges of their caller, so row-level security applies when the
-- API acts for a user.
--
--   products   app.product_insert, app.product_find
--   inventory  app.inventory_insert, app.inventory_find, app.inventory_restock,
--              app.inventory_reserve, app.inventory_release, app.inventory_ship
--   orders     app.order_insert, app.order_find, app.order_find_by_key, app.order_lock,
--              app.order_list_for_user, app.order_update, app.order_pending_before
--   lines      app.order_line_insert, app.order_lines_of

create or replace function app.product_insert(
    sku text,
    name text,
    price numeric,
    description text default ''
) returns app_private.products
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    insert into app_private.products (sku, name, price, description)
    values (sku, name, price, description)
    returning *
$$;

create or replace function app.product_find(product_id bigint)
returns app_private.products
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select p.* from app_private.products as p where p.id = product_id
$$;

create or replace function app.inventory_insert(product_id bigint, on_hand integer)
returns app_private.inventory
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    insert into app_private.inventory (product_id, on_hand)
    values (product_id, on_hand)
    returning *
$$;

create or replace function app.inventory_find(product_id bigint)
returns app_private.inventory
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select i.* from app_private.inventory as i where i.product_id = inventory_find.product_id
$$;

-- Adds (or, negative, removes) units on hand; never below what is reserved
-- (inventory_within_stock).
create or replace function app.inventory_restock(product_id bigint, quantity integer)
returns app_private.inventory
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    update app_private.inventory as i
    set on_hand = i.on_hand + quantity
    where i.product_id = inventory_restock.product_id
    returning i.*
$$;

-- Holds units for an order, in one statement: the row is locked, and the
-- condition is read again after any concurrent update, so two orders never
-- take the same last unit and stock never goes negative. False when there is
-- not enough.
create or replace function app.inventory_reserve(product_id bigint, quantity integer)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    update app_private.inventory as i
    set reserved = i.reserved + quantity
    where
        i.product_id = inventory_reserve.product_id
        and i.on_hand - i.reserved >= quantity;
    return found;
end;
$$;

-- Gives back units an order held (cancelled, payment failed).
create or replace function app.inventory_release(product_id bigint, quantity integer)
returns void
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    update app_private.inventory as i
    set reserved = i.reserved - quantity
    where i.product_id = inventory_release.product_id
$$;

-- Units held by an order leave the warehouse.
create or replace function app.inventory_ship(product_id bigint, quantity integer)
returns void
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    update app_private.inventory as i
    set on_hand = i.on_hand - quantity, reserved = i.reserved - quantity
    where i.product_id = inventory_ship.product_id
$$;

-- A new order, or null when the user already has one with this key (the
-- caller then reads that one). A concurrent insert with the same key waits
-- for the other transaction and yields to it.
create or replace function app.order_insert(
    user_id bigint,
    idempotency_key text,
    price app.order_price,
    currency text,
    trace_id text
) returns app_private.orders
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    insert into app_private.orders (
        user_id, idempotency_key, subtotal, discount, tax, total, currency, trace_id
    )
    values (
        user_id, idempotency_key, price.subtotal, price.discount, price.tax, price.total,
        currency, trace_id
    )
    on conflict (user_id, idempotency_key) do nothing
    returning *
$$;

create or replace function app.order_find(order_id bigint)
returns app_private.orders
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select o.* from app_private.orders as o where o.id = order_id
$$;

create or replace function app.order_find_by_key(user_id bigint, idempotency_key text)
returns app_private.orders
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select o.* from app_private.orders as o
    where
        o.user_id = order_find_by_key.user_id
        and o.idempotency_key = order_find_by_key.idempotency_key
$$;

-- The order, locked until the transaction ends: changes to one order are
-- made one at a time.
create or replace function app.order_lock(order_id bigint)
returns app_private.orders
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    select o.* from app_private.orders as o where o.id = order_id for update
$$;

create or replace function app.order_list_for_user(
    user_id bigint,
    page_limit integer,
    page_offset integer
) returns setof app_private.orders
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select o.* from app_private.orders as o
    where o.user_id = order_list_for_user.user_id
    order by o.id desc
    limit app.page_limit(page_limit) offset app.page_offset(page_offset)
$$;

-- Changes the status, and the payment reference or tracking number when
-- given (null keeps them).
create or replace function app.order_update(
    order_id bigint,
    status text,
    payment_reference text default null,
    tracking_number text default null
) returns app_private.orders
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    update app_private.orders as o
    set
        status = order_update.status,
        payment_reference = coalesce(order_update.payment_reference, o.payment_reference),
        tracking_number = coalesce(order_update.tracking_number, o.tracking_number)
    where o.id = order_id
    returning o.*
$$;

-- Pending orders placed before a time, locked; those another transaction
-- holds are skipped (they are being paid or cancelled right now).
create or replace function app.order_pending_before(placed_before timestamptz)
returns setof app_private.orders
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    select o.* from app_private.orders as o
    where o.status = 'pending' and o.created_at < placed_before
    order by o.id
    for update skip locked
$$;

create or replace function app.order_line_insert(
    order_id bigint,
    product_id bigint,
    quantity integer,
    unit_price numeric,
    line_total numeric
) returns app_private.order_lines
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    insert into app_private.order_lines (order_id, product_id, quantity, unit_price, line_total)
    values (order_id, product_id, quantity, unit_price, line_total)
    returning *
$$;

create or replace function app.order_lines_of(order_id bigint)
returns setof app_private.order_lines
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select l.* from app_private.order_lines as l
    where l.order_id = order_lines_of.order_id
    order by l.product_id
$$;

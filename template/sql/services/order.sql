-- Order service: the shop's business rules.
--
-- Catalogue (admins, through api_v1):
--   app.create_product(sku, name, price, stock, description) -> app_private.products
--   app.restock_product(product_id, quantity)                -> app_private.inventory
-- An order's life:
--   app.order_transition_allowed(from_status, to_status) -> boolean
--       the one home of which status may follow which; a trigger on orders
--       refuses any other change (UA019)
--   app.place_order(user_id, items, idempotency_key)   -> app_private.orders
--       pending; stock reserved; the same (user, key) again returns the first order
--   app.pay_order(order_id)                            -> app_private.orders
--       asks the payment provider (outbox payment/charge); the answer comes
--       back through app.order_payment_result
--   app.cancel_order(order_id)                         -> app_private.orders
--       releases the reserved stock; a paid order is refunded (outbox payment/refund)
-- Called by the relay, the worker and the scheduler (not by clients):
--   app.order_payment_result(order_id bigint, succeeded boolean, reference text) returns void
--   app.process_paid_order(order_id bigint) returns void
--   app.order_shipment_created(order_id bigint, tracking_number text) returns void
--   app.expire_unpaid_orders(older_than interval) returns integer
--
-- Every one of them is idempotent: the relay delivers at least once, a worker
-- may run a job twice, a client retries. Each locks the order first, so
-- changes to one order happen one at a time, and decides from its status.
-- What leaves the database goes to the outbox through the integrations'
-- requests (app.request_payment, app.request_refund, app.request_shipment in
-- integrations/external_apis/), keyed by the order (order-<id>-charge,
-- -refund, -shipment), so it leaves once; the shipment request carries the
-- address {user_id, name}. Jobs: orders.process {order_id} on queue orders,
-- notify.order_status {order_id, status} on queue notifications. Jobs and
-- outbox rows carry the trace of the call that placed the order.
-- Orders are in the currency of the setting currency (default USD).

-- pending         -> paid, payment_failed, cancelled
-- paid            -> processing, cancelled (refunded)
-- payment_failed  -> cancelled
-- processing      -> shipped
-- shipped         -> delivered
-- delivered, cancelled: final
create or replace function app.order_transition_allowed(from_status text, to_status text)
returns boolean
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce((from_status, to_status) in (
        ('pending', 'paid'),
        ('pending', 'payment_failed'),
        ('pending', 'cancelled'),
        ('paid', 'processing'),
        ('paid', 'cancelled'),
        ('payment_failed', 'cancelled'),
        ('processing', 'shipped'),
        ('shipped', 'delivered')
    ), false)
$$;

create or replace function app.orders_check_transition()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if new.status is distinct from old.status
        and not app.order_transition_allowed(old.status, new.status) then
        perform app.raise_error('UA019', format('%s -> %s', old.status, new.status));
    end if;
    return new;
end;
$$;

create or replace trigger orders_check_transition
before update of status on app_private.orders
for each row execute function app.orders_check_transition();

-- Catalogue -----------------------------------------------------------------

create or replace function app.create_product(
    sku text,
    name text,
    price numeric,
    stock integer default 0,
    description text default ''
) returns app_private.products
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    created app_private.products;
    broken text;
begin
    if price is null then
        perform app.raise_error('UA023');
    end if;
    begin
        created := app.product_insert(
            btrim(coalesce(sku, '')), btrim(coalesce(name, '')), price,
            coalesce(description, '')
        );
        perform app.inventory_insert(created.id, coalesce(stock, 0));
    exception
        when unique_violation then
            perform app.raise_error('UA031', sku);
        when check_violation then
            get stacked diagnostics broken = constraint_name;
            perform app.raise_constraint_error(broken);
        when numeric_value_out_of_range then
            perform app.raise_error('UA023', price::text);
    end;
    perform app.log('info', 'product_created', jsonb_build_object('product_id', created.id));
    return created;
end;
$$;

-- Adds units on hand (a negative quantity writes units off, never below what
-- open orders hold: UA016).
create or replace function app.restock_product(product_id bigint, quantity integer)
returns app_private.inventory
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    updated app_private.inventory;
    broken text;
begin
    if coalesce(quantity, 0) = 0 then
        perform app.raise_error('UA017', coalesce(quantity::text, 'missing'));
    end if;
    begin
        updated := app.inventory_restock(product_id, quantity);
    exception when check_violation then
        get stacked diagnostics broken = constraint_name;
        perform app.raise_constraint_error(broken);
    end;
    if updated.product_id is null then
        perform app.raise_error('UA015', product_id::text);
    end if;
    perform app.log(
        'info', 'product_restocked',
        jsonb_build_object('product_id', product_id, 'quantity', quantity)
    );
    return updated;
end;
$$;

-- Placing and paying ----------------------------------------------------------

create or replace function app.place_order(
    user_id bigint,
    items jsonb,
    idempotency_key text
) returns app_private.orders
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    order_key text := coalesce(idempotency_key, '');
    existing app_private.orders := app.order_find_by_key(user_id, order_key);
    wanted app.order_item[];
    item app.order_item;
    product app_private.products;
    prices numeric[] := '{}';
    subtotal numeric := 0;
    placed app_private.orders;
    broken text;
begin
    if existing.id is not null then
        return existing;
    end if;
    wanted := array(select i from app.order_items(items) as i);
    -- Prices of the moment; every product must be on sale.
    foreach item in array wanted loop
        product := app.product_find(item.product_id);
        if product.id is null or not product.is_active then
            perform app.raise_error('UA015', item.product_id::text);
        end if;
        prices := prices || product.price;
        subtotal := subtotal + app.line_total(product.price, item.quantity);
    end loop;
    begin
        placed := app.order_insert(
            user_id, order_key,
            app.price_order(subtotal, (app.user_find_by_id(user_id)).role),
            app.setting('currency', 'USD'), app.trace_id()
        );
    exception when check_violation then
        get stacked diagnostics broken = constraint_name;
        perform app.raise_constraint_error(broken);
    end;
    if placed.id is null then
        -- The same key was used by a call that committed while this one ran.
        return app.order_find_by_key(user_id, order_key);
    end if;
    -- Stock is held in product order (app.order_items sorts), so two orders
    -- never wait on each other's rows.
    for i in 1 .. cardinality(wanted) loop
        item := wanted[i];
        if not app.inventory_reserve(item.product_id, item.quantity) then
            perform app.raise_error(
                'UA016', format('product %s: %s wanted', item.product_id, item.quantity)
            );
        end if;
        begin
            perform app.order_line_insert(
                placed.id, item.product_id, item.quantity, prices[i],
                app.line_total(prices[i], item.quantity)
            );
        exception when check_violation then
            get stacked diagnostics broken = constraint_name;
            perform app.raise_constraint_error(broken);
        end;
    end loop;
    perform app.log(
        'info', 'order_placed',
        jsonb_build_object('order_id', placed.id, 'user_id', user_id, 'total', placed.total)
    );
    return placed;
end;
$$;

-- Gives back the stock an order holds.
create or replace function app.release_order_stock(order_id bigint)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    line app_private.order_lines;
begin
    for line in select * from app.order_lines_of(order_id) loop
        perform app.inventory_release(line.product_id, line.quantity);
    end loop;
end;
$$;

-- The order's own trace: what the order causes later (a payment, a job, a
-- shipment) carries the id of the call that placed it.
create or replace function app.resume_order_trace(o app_private.orders)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if o.trace_id is not null then
        perform app.resume_trace(o.trace_id);
    end if;
end;
$$;

-- Paid: the reference kept, and the job that processes the order.
create or replace function app.mark_order_paid(o app_private.orders, reference text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.order_update(o.id, 'paid', payment_reference => reference);
    perform app.enqueue_job(
        'orders.process', jsonb_build_object('order_id', o.id), 'orders',
        job_key => 'orders.process:' || o.id
    );
end;
$$;

-- The order, locked until the transaction ends so that concurrent calls
-- (a relay retrying, a customer cancelling) take turns; UA018 when none.
create or replace function app.order_lock_existing(order_id bigint)
returns app_private.orders
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    o app_private.orders := app.order_lock(order_id);
begin
    if o.id is null then
        perform app.raise_error('UA018', order_id::text);
    end if;
    return o;
end;
$$;

-- Money taken for an order is given back (nothing to give back for a free one).
create or replace function app.refund_order(o app_private.orders)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if o.total > 0 then
        perform app.request_refund(o.id, o.payment_reference, o.total);
    end if;
end;
$$;

-- A pending order asks for its charge (again: the same outbox row); a free
-- one is paid at once. An order already paid is returned as it is; a
-- cancelled or failed one cannot be paid.
create or replace function app.pay_order(order_id bigint)
returns app_private.orders
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    o app_private.orders := app.order_lock_existing(order_id);
begin
    if o.status in ('paid', 'processing', 'shipped', 'delivered') then
        return o;
    end if;
    if o.status <> 'pending' then
        perform app.raise_error('UA019', format('%s -> paid', o.status));
    end if;
    perform app.resume_order_trace(o);
    if o.total = 0 then
        -- Nothing to charge.
        perform app.mark_order_paid(o, 'free');
        return app.order_find(o.id);
    end if;
    perform app.request_payment(o.id, o.total, o.currency);
    return o;
end;
$$;

-- Pending or paid: cancelled, stock released; paid: refunded too. Cancelling
-- again returns the order as it is; a processed or shipped order cannot be.
create or replace function app.cancel_order(order_id bigint)
returns app_private.orders
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    o app_private.orders := app.order_lock_existing(order_id);
    cancelled app_private.orders;
begin
    if o.status = 'cancelled' then
        return o;
    end if;
    perform app.resume_order_trace(o);
    cancelled := app.order_update(o.id, 'cancelled');
    -- A failed payment gave the stock back already.
    if o.status in ('pending', 'paid') then
        perform app.release_order_stock(o.id);
    end if;
    if o.status = 'paid' then
        perform app.refund_order(o);
    end if;
    perform app.log(
        'info', 'order_cancelled', jsonb_build_object('order_id', o.id, 'was', o.status)
    );
    return cancelled;
end;
$$;

-- The relay, the worker and the scheduler -------------------------------------

-- The payment provider's answer. Success: paid, the reference kept, and the
-- job that processes the order. Failure: payment_failed, stock released. An
-- answer for an order no longer pending changes nothing, except that money
-- taken for a cancelled or failed order is refunded.
create or replace function app.order_payment_result(
    order_id bigint,
    succeeded boolean,
    reference text
) returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    o app_private.orders := app.order_lock_existing(order_id);
begin
    perform app.resume_order_trace(o);
    if o.status = 'pending' and succeeded then
        perform app.mark_order_paid(o, reference);
    elsif o.status = 'pending' then
        perform app.order_update(o.id, 'payment_failed', payment_reference => reference);
        perform app.release_order_stock(o.id);
    elsif succeeded and o.status in ('cancelled', 'payment_failed') then
        o := app.order_update(o.id, o.status, payment_reference => reference);
        perform app.refund_order(o);
    end if;
end;
$$;

-- A paid order is processed: its stock leaves the warehouse and a shipment
-- is requested (outbox shipping/create_shipment, addressed from the user's
-- profile). Already processed or cancelled: nothing to do.
create or replace function app.process_paid_order(order_id bigint)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    o app_private.orders := app.order_lock_existing(order_id);
    customer app_private.users;
    line app_private.order_lines;
begin
    if o.status in ('processing', 'shipped', 'delivered', 'cancelled') then
        return;
    end if;
    perform app.resume_order_trace(o);
    perform app.order_update(o.id, 'processing');
    for line in select * from app.order_lines_of(o.id) loop
        perform app.inventory_ship(line.product_id, line.quantity);
    end loop;
    customer := app.user_find_by_id(o.user_id);
    -- The profile has no postal address yet: the user's id and name.
    perform app.request_shipment(
        o.id,
        jsonb_build_object(
            'address', jsonb_build_object('user_id', o.user_id, 'name', customer.full_name)
        )
    );
end;
$$;

-- The carrier's answer: shipped, with its tracking number, and the customer
-- is told (job notify.order_status). Already shipped: nothing to do.
create or replace function app.order_shipment_created(order_id bigint, tracking_number text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    o app_private.orders := app.order_lock_existing(order_id);
begin
    if o.status in ('shipped', 'delivered') then
        return;
    end if;
    perform app.resume_order_trace(o);
    perform app.order_update(o.id, 'shipped', tracking_number => tracking_number);
    perform app.enqueue_job(
        'notify.order_status', jsonb_build_object('order_id', o.id, 'status', 'shipped'),
        'notifications',
        job_key => 'notify.order_status:' || o.id || ':shipped'
    );
end;
$$;

-- Cancels the orders still pending after older_than, releasing their stock;
-- returns how many. Orders being changed right now are left for the next run.
create or replace function app.expire_unpaid_orders(older_than interval)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    caller_trace text := current_setting('request.traceparent', true);
    o app_private.orders;
    expired integer := 0;
begin
    for o in select * from app.order_pending_before(now() - older_than) loop
        perform app.resume_order_trace(o);
        perform app.order_update(o.id, 'cancelled');
        perform app.release_order_stock(o.id);
        expired := expired + 1;
    end loop;
    perform set_config('request.traceparent', coalesce(caller_trace, ''), true);
    if expired > 0 then
        perform app.log('info', 'orders_expired', jsonb_build_object('count', expired));
    end if;
    return expired;
end;
$$;

-- Only the relay, the worker and the scheduler (the owner of the tables) call these.
revoke execute on function app.order_payment_result(bigint, boolean, text) from public;
revoke execute on function app.process_paid_order(bigint) from public;
revoke execute on function app.order_shipment_created(bigint, text) from public;
revoke execute on function app.expire_unpaid_orders(interval) from public;

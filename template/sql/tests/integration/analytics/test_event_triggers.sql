-- Integration: triggers record the events of users and orders
-- (analytics/tracking/event_tracker.sql), each with the trace id of the call
-- or of the order.
begin;
select plan(10);

select set_config(
    'request.traceparent', '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01', true
);

-- users insert -> user_registered.
insert into app_private.users (email, password_hash) values ('events@example.com', 'x');
select results_eq(
    $$select e.name, e.trace_id from app_private.analytics_events as e
      inner join app_private.users as u on e.user_id = u.id
      where u.email = 'events@example.com'$$,
    $$values ('user_registered', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')$$,
    'registering records user_registered with the call''s trace id'
);

-- orders insert -> order_placed, once the lines are in (at commit; here
-- forced by set constraints).
insert into app_private.products (sku, name, price) values ('EVENTS-A', 'Events lamp', 12.50);
insert into app_private.orders (user_id, idempotency_key, subtotal, discount, tax, total, trace_id)
select
    u.id as user_id,
    'events-1' as idempotency_key,
    25.00 as subtotal,
    0 as discount,
    0 as tax,
    25.00 as total,
    'cccccccccccccccccccccccccccccccc' as trace_id
from app_private.users as u
where u.email = 'events@example.com';
insert into app_private.order_lines (order_id, product_id, quantity, unit_price, line_total)
select
    o.id as order_id,
    p.id as product_id,
    2 as quantity,
    12.50 as unit_price,
    25.00 as line_total
from app_private.orders as o, app_private.products as p
where o.idempotency_key = 'events-1' and p.sku = 'EVENTS-A';

select is_empty(
    $$select from app_private.analytics_events where name = 'order_placed'
      and properties ->> 'order_id' = (
          select id::text from app_private.orders where idempotency_key = 'events-1')$$,
    'order_placed waits for the end of the transaction'
);
set constraints all immediate;
create temp view placed as
select
    e.trace_id,
    e.properties
from app_private.analytics_events as e
where
    e.name = 'order_placed'
    and e.properties ->> 'order_id' = (
        select o.id::text from app_private.orders as o
        where o.idempotency_key = 'events-1'
    );
select is((select count(*)::int from placed), 1, 'placing an order records order_placed once');
select is(
    (select trace_id from placed), 'cccccccccccccccccccccccccccccccc',
    'order_placed carries the order''s trace id'
);
select is(
    (select properties -> 'total' from placed), '25.00'::jsonb, 'order_placed carries the total'
);
select is(
    (select properties #> '{items,0}' from placed),
    jsonb_build_object(
        'product_id', (
            select id from app_private.products
            where sku = 'EVENTS-A'
        ),
        'quantity', 2,
        'unit_price', 12.50
    ),
    'order_placed carries the lines as items'
);

-- Status changes -> their events, with the order's trace id even when the
-- change comes from another call (the relay, the worker).
select set_config(
    'request.traceparent', '00-dddddddddddddddddddddddddddddddd-bbbbbbbbbbbbbbbb-01', true
);
update app_private.orders set status = 'paid'
where idempotency_key = 'events-1';
update app_private.orders set status = 'processing'
where idempotency_key = 'events-1';
update app_private.orders set status = 'shipped', tracking_number = 'TRACK-1'
where idempotency_key = 'events-1';
update app_private.orders set updated_at = now()
where idempotency_key = 'events-1';
create temp view order_events as
select
    e.name,
    e.trace_id,
    e.properties
from app_private.analytics_events as e
where
    e.properties ->> 'order_id' = (
        select o.id::text from app_private.orders as o
        where o.idempotency_key = 'events-1'
    )
order by e.id;
select results_eq(
    'select name from order_events',
    $$values ('order_placed'), ('order_paid'), ('order_shipped')$$,
    'paid and shipped are recorded; processing and other updates are not'
);
select is(
    (
        select count(*)::int from order_events
        where trace_id = 'cccccccccccccccccccccccccccccccc'
    ),
    3,
    'every event of the order carries the order''s trace id'
);
select is(
    (
        select properties ->> 'tracking_number' from order_events
        where name = 'order_shipped'
    ),
    'TRACK-1',
    'order_shipped carries the tracking number'
);

-- A cancelled order and a refused payment.
insert into app_private.orders (user_id, idempotency_key, subtotal, discount, tax, total)
select
    u.id as user_id,
    k.idempotency_key,
    1 as subtotal,
    0 as discount,
    0 as tax,
    1 as total
from app_private.users as u, (values ('events-2'), ('events-3')) as k (idempotency_key)
where u.email = 'events@example.com';
update app_private.orders set status = 'cancelled'
where idempotency_key = 'events-2';
update app_private.orders set status = 'payment_failed'
where idempotency_key = 'events-3';
select results_eq(
    $$select e.name from app_private.analytics_events as e
      inner join app_private.orders as o on e.properties ->> 'order_id' = o.id::text
      where o.idempotency_key in ('events-2', 'events-3') and e.name <> 'order_placed'
      order by o.idempotency_key$$,
    $$values ('order_cancelled'), ('order_payment_failed')$$,
    'cancelling and a refused payment are recorded'
);

select finish();
rollback;

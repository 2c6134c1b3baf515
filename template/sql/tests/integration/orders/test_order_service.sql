-- Integration: the order service with its tables: reservation, idempotency,
-- and each step of an order's life, each one safe to run twice.
begin;
select plan(64);

select app.set_setting('jwt_secret', repeat('k', 40));
select id as ann_id from app.register_user('ann@example.com', 'correct horse', 'Ann') \gset
select id as pam_id
from app.register_user('pam@example.com', 'correct horse', 'Pam', 'premium') \gset
select id as lamp from app.create_product('LAMP-1', 'Lamp', 19.99, 5) \gset
select id as desk from app.create_product('DESK-1', 'Desk', 100.00, 3) \gset
select id as retired from app.create_product('OLD-1', 'Old', 1.00, 9) \gset
update app_private.products set is_active = false
where id = :retired;

create or replace function pg_temp.stock(product bigint)
returns text language sql as $$
    select on_hand || '/' || reserved from app_private.inventory where product_id = product
$$;

-- Placing -------------------------------------------------------------------
select id as o1_id
from app.place_order(
    :ann_id, format(
        '[{"product_id": %s, "quantity": 2}, {"product_id": %s, "quantity": 1}]',
        :lamp, :desk
    )::jsonb, 'key-1'
) \gset
select is(
    (
        select status from app_private.orders
        where id = :o1_id
    ), 'pending',
    'a new order is pending'
);
select is(
    (
        select row(subtotal, discount, tax, total)::text from app_private.orders
        where id = :o1_id
    ),
    '(139.98,0.00,11.20,151.18)',
    'the order is priced: 2 x 19.99 + 100.00, plus 8% tax'
);
select results_eq(
    format('select product_id, quantity, unit_price, line_total from app_private.order_lines
            where order_id = %s order by product_id', :o1_id),
    format('values (%s::bigint, 2, 19.99::numeric, 39.98::numeric),
                   (%s::bigint, 1, 100.00::numeric, 100.00::numeric)', :lamp, :desk),
    'each line keeps its unit price and total'
);
select is(pg_temp.stock(:lamp), '5/2', 'the lamps are reserved, still on hand');
select is(pg_temp.stock(:desk), '3/1', 'the desk is reserved');
select ok(
    (
        select trace_id ~ '^[0-9a-f]{32}$' from app_private.orders
        where id = :o1_id
    ),
    'the order keeps the trace id of the call that placed it'
);

select is(
    (app.place_order(
        :ann_id, format('[{"product_id": %s, "quantity": 3}]', :lamp)::jsonb,
        'key-1'
    )).id,
    :o1_id::bigint,
    'the same idempotency key returns the first order'
);
select is(pg_temp.stock(:lamp), '5/2', 'and reserves nothing more');
select is(
    (
        select count(*)::int from app_private.orders
        where user_id = :ann_id
    ), 1,
    'and makes no second order'
);
select isnt(
    (app.place_order(
        :pam_id, format('[{"product_id": %s, "quantity": 1}]', :desk)::jsonb,
        'key-1'
    )).id,
    :o1_id::bigint,
    'another user''s key is their own'
);
select is(
    (
        select row(subtotal, discount, tax, total)::text from app_private.orders
        where user_id = :pam_id
    ),
    '(100.00,10.00,7.20,97.20)',
    'a premium user gets 10% off, then 8% tax on the rest'
);

-- Never more than there is.
select throws_ok(
    format(
        $$select * from app.place_order(%s, '[{"product_id": %s, "quantity": 4}]', 'key-2')$$,
        :ann_id, :lamp
    ),
    'UA016', 'not enough stock', 'an order for more than is available is refused'
);
select throws_ok(
    format(
        $$select * from app.place_order(%s,
        '[{"product_id": %s, "quantity": 1}, {"product_id": %s, "quantity": 2}]', 'key-2')$$,
        :ann_id, :lamp, :desk
    ),
    'UA016', null, 'one line short of stock refuses the whole order'
);
select is(pg_temp.stock(:lamp), '5/2', 'a refused order reserves nothing');
select is(pg_temp.stock(:desk), '3/2', 'not even on its other lines');
select is(
    (
        select count(*)::int from app_private.orders
        where idempotency_key = 'key-2'
    ), 0,
    'a refused order leaves no order behind'
);
select lives_ok(
    format(
        $$select * from app.place_order(%s, '[{"product_id": %s, "quantity": 3}]', 'key-3')$$,
        :ann_id, :lamp
    ),
    'the last units can be ordered'
);
select is(pg_temp.stock(:lamp), '5/5', 'every lamp is reserved now');
select throws_ok(
    format(
        $$select * from app.place_order(%s, '[{"product_id": %s, "quantity": 1}]', 'key-4')$$,
        :ann_id, :lamp
    ),
    'UA016', null, 'no lamp is left'
);
select is(
    app.inventory_reserve(:lamp, 1), false,
    'the reservation itself refuses to go past the stock'
);
select throws_ok(
    format('update app_private.inventory set reserved = on_hand + 1 where product_id = %s', :lamp),
    '23514', null, 'the table refuses more reserved than on hand'
);
select throws_ok(
    format(
        $$select * from app.place_order(%s, '[{"product_id": %s, "quantity": 1}]', 'key-5')$$,
        :ann_id, :retired
    ),
    'UA015', 'product not found', 'a product no longer sold cannot be ordered'
);
select throws_ok(
    format(
        $$select * from app.place_order(%s, '[{"product_id": -1, "quantity": 1}]', 'key-5')$$,
        :ann_id
    ),
    'UA015', null, 'an unknown product cannot be ordered'
);
select throws_ok(
    format(
        $$select * from app.place_order(%s, '[{"product_id": %s, "quantity": 1}]', '')$$,
        :ann_id, :desk
    ),
    'UA022', null, 'an order needs an idempotency key'
);
select throws_ok(
    format(
        $$select app.place_order(%s, '[{"product_id": %s, "quantity": 1}]', repeat('k', 201))$$,
        :ann_id, :desk
    ),
    'UA022', null, 'an idempotency key has at most 200 characters'
);

-- Paying --------------------------------------------------------------------
select app.pay_order(:o1_id);
select app.pay_order(:o1_id);
select results_eq(
    format(
        $$select action, idempotency_key, (payload ->> 'amount')::numeric, payload ->> 'currency'
          from app_private.outbox
          where channel = 'payment' and payload ->> 'order_id' = '%s'$$,
        :o1_id
    ),
    format($$values ('charge', 'order-%s-charge', 151.18, 'USD')$$, :o1_id),
    'paying asks for the charge of the total once, however often it is called'
);
select is(
    (
        select status from app_private.orders
        where id = :o1_id
    ), 'pending',
    'the order waits for the payment''s answer'
);
select app.order_payment_result(:o1_id, true, 'ch_1');
select app.order_payment_result(:o1_id, true, 'ch_1');
select is(
    (
        select status || ' ' || payment_reference from app_private.orders
        where id = :o1_id
    ),
    'paid ch_1', 'a successful payment marks the order paid, with its reference'
);
select results_eq(
    format($$select queue, payload from app_private.jobs where task = 'orders.process'
             and payload ->> 'order_id' = '%s'$$, :o1_id),
    format($$values ('orders', '{"order_id": %s}'::jsonb)$$, :o1_id),
    'and queues its processing once'
);
select is((app.pay_order(:o1_id)).status, 'paid', 'paying a paid order changes nothing');

-- Processing ----------------------------------------------------------------
select app.process_paid_order(:o1_id);
select app.process_paid_order(:o1_id);
select is(
    (
        select status from app_private.orders
        where id = :o1_id
    ), 'processing',
    'a paid order is processed'
);
select is(pg_temp.stock(:lamp), '3/3', 'its lamps left the warehouse, once');
select is(pg_temp.stock(:desk), '2/1', 'its desk left the warehouse, once');
select results_eq(
    format(
        $$select action, idempotency_key, payload -> 'address',
            jsonb_path_query_array(payload, '$.lines[*].quantity')
          from app_private.outbox
          where channel = 'shipping' and payload ->> 'order_id' = '%s'$$,
        :o1_id
    ),
    format(
        $$values ('create_shipment', 'order-%s-shipment',
            '{"user_id": %s, "name": "Ann"}'::jsonb, '[2, 1]'::jsonb)$$,
        :o1_id, :ann_id
    ),
    'a shipment of the lines is requested once, to the customer'
);
select throws_ok(
    format('select app.cancel_order(%s)', :o1_id), 'UA019',
    'the order cannot move to that status', 'an order in processing cannot be cancelled'
);

-- Shipping ------------------------------------------------------------------
select app.order_shipment_created(:o1_id, 'TRACK-1');
select app.order_shipment_created(:o1_id, 'TRACK-1');
select is(
    (
        select status || ' ' || tracking_number from app_private.orders
        where id = :o1_id
    ),
    'shipped TRACK-1', 'the created shipment marks the order shipped, with its tracking number'
);
select results_eq(
    format($$select queue, payload from app_private.jobs where task = 'notify.order_status'
             and payload ->> 'order_id' = '%s'$$, :o1_id),
    format(
        $$values ('notifications', '{"order_id": %s, "status": "shipped"}'::jsonb)$$,
        :o1_id
    ),
    'and the customer is told, once'
);
select is(
    (select count(distinct trace_id)::int from (
        select trace_id from app_private.outbox
        where payload ->> 'order_id' = :'o1_id'
        union all
        select trace_id from app_private.jobs
        where payload ->> 'order_id' = :'o1_id'
        union all
        select trace_id from app_private.orders
        where id = :o1_id
    ) as traced), 1,
    'the order, its outbox rows and its jobs carry one trace id'
);
select throws_ok(
    $$select app.process_paid_order(-1)$$, 'UA018', 'order not found',
    'processing an unknown order is reported'
);

-- A failed payment ----------------------------------------------------------
select id as o2_id
from app.place_order(
    :ann_id, format('[{"product_id": %s, "quantity": 1}]', :desk)::jsonb,
    'key-6'
) \gset
select is(pg_temp.stock(:desk), '2/2', 'the last desk is reserved');
select app.order_payment_result(:o2_id, false, 'declined');
select app.order_payment_result(:o2_id, false, 'declined');
select is(
    (
        select status from app_private.orders
        where id = :o2_id
    ), 'payment_failed',
    'a failed payment is recorded'
);
select is(pg_temp.stock(:desk), '2/1', 'its stock is released, once');
select throws_ok(
    format('select app.process_paid_order(%s)', :o2_id), 'UA019', null,
    'an unpaid order is not processed'
);
select throws_ok(
    format('select app.pay_order(%s)', :o2_id), 'UA019', null,
    'a failed order cannot be paid again (place a new one)'
);
select is((app.cancel_order(:o2_id)).status, 'cancelled', 'a failed order can be cancelled');
select is(pg_temp.stock(:desk), '2/1', 'without releasing its stock twice');

-- Cancelling ----------------------------------------------------------------
select id as o3_id
from app.place_order(
    :ann_id, format('[{"product_id": %s, "quantity": 1}]', :desk)::jsonb,
    'key-7'
) \gset
select app.cancel_order(:o3_id);
select is((app.cancel_order(:o3_id)).status, 'cancelled', 'cancelling twice is harmless');
select is(pg_temp.stock(:desk), '2/1', 'a cancelled order gives its stock back, once');
select is(
    (
        select count(*)::int from app_private.outbox
        where payload ->> 'order_id' = :'o3_id'
    ), 0,
    'an unpaid cancelled order asks for no refund'
);
select app.order_payment_result(:o3_id, true, 'ch_late');
select is(
    (
        select status from app_private.orders
        where id = :o3_id
    ), 'cancelled',
    'a payment arriving after the cancellation leaves it cancelled'
);
select results_eq(
    format($$select action, payload ->> 'payment_reference' from app_private.outbox
             where payload ->> 'order_id' = '%s'$$, :o3_id),
    $$values ('refund', 'ch_late')$$,
    'and the money is refunded'
);

select id as o4_id
from app.place_order(
    :ann_id, format('[{"product_id": %s, "quantity": 1}]', :desk)::jsonb,
    'key-8'
) \gset
select app.order_payment_result(:o4_id, true, 'ch_4');
select app.cancel_order(:o4_id);
select app.cancel_order(:o4_id);
select is(pg_temp.stock(:desk), '2/1', 'a paid order cancelled gives its stock back');
select results_eq(
    format(
        $$select action, idempotency_key, (payload ->> 'amount')::numeric,
            payload ->> 'payment_reference'
          from app_private.outbox
          where channel = 'payment' and action = 'refund' and payload ->> 'order_id' = '%s'$$,
        :o4_id
    ),
    format($$values ('refund', 'order-%s-refund', 108.00, 'ch_4')$$, :o4_id),
    'a paid order cancelled is refunded, once'
);
select lives_ok(
    format('select app.process_paid_order(%s)', :o4_id),
    'the processing job of a cancelled order does nothing'
);
select is(
    (
        select status from app_private.orders
        where id = :o4_id
    ), 'cancelled',
    'and leaves it cancelled'
);

-- A free order -------------------------------------------------------------
select id as gift from app.create_product('GIFT-1', 'Sticker', 0, 10) \gset
select id as o6_id
from app.place_order(
    :ann_id, format('[{"product_id": %s, "quantity": 1}]', :gift)::jsonb, 'key-10'
) \gset
select is((app.pay_order(:o6_id)).status, 'paid', 'a free order is paid at once');
select is(
    (
        select count(*)::int from app_private.outbox
        where payload ->> 'order_id' = :'o6_id'
    ), 0,
    'with no charge asked'
);
select is(
    (
        select count(*)::int from app_private.jobs
        where task = 'orders.process' and payload ->> 'order_id' = :'o6_id'
    ), 1,
    'and is queued for processing'
);
select app.cancel_order(:o6_id);
select is(
    (
        select count(*)::int from app_private.outbox
        where payload ->> 'order_id' = :'o6_id'
    ), 0,
    'cancelled, it needs no refund'
);

-- Expiring ------------------------------------------------------------------
select id as o5_id
from app.place_order(
    :ann_id, format('[{"product_id": %s, "quantity": 1}]', :desk)::jsonb,
    'key-9'
) \gset
select is(app.expire_unpaid_orders('1 hour'), 0, 'a fresh order does not expire');
-- Make the order two hours old: the timestamps trigger keeps created_at, so
-- triggers are off for this one update.
set local session_replication_role = replica;
update app_private.orders set created_at = now() - interval '2 hours'
where id = :o5_id;
set local session_replication_role = origin;
select is(app.expire_unpaid_orders('1 hour'), 1, 'an unpaid order older than that expires');
select is(app.expire_unpaid_orders('1 hour'), 0, 'once');
select is(
    (
        select status from app_private.orders
        where id = :o5_id
    ), 'cancelled',
    'an expired order is cancelled'
);
select is(pg_temp.stock(:desk), '2/1', 'and its stock is released');

select finish();
rollback;

-- Integration: the requests that write outbox rows (payment, shipping, Redis,
-- RabbitMQ, events), each with its idempotency key; no client reaches the
-- outbox.
begin;
select plan(13);

select ok(
    (
        select relrowsecurity from pg_class
        where oid = 'app_private.outbox'::regclass
    ),
    'row-level security is on for the outbox'
);
select is_empty(
    $$select * from pg_policies where schemaname = 'app_private' and tablename = 'outbox'$$,
    'and no policy lets a client in'
);

-- Payment: one charge per order, however often it is asked for.
select is(
    app.request_payment(900101, 12.345, 'eur'),
    app.request_payment(900101, 12.345, 'eur'),
    'asking twice for the same charge gives the same row'
);
select is(
    (
        select row(channel, action, idempotency_key)::text from app_private.outbox
        where payload ->> 'order_id' = '900101'
    ),
    '(payment,charge,order-900101-charge)', 'a charge is keyed by its order'
);
select is(
    (
        select payload from app_private.outbox
        where idempotency_key = 'order-900101-charge'
    ),
    '{"order_id": 900101, "amount": "12.35", "currency": "EUR", "reference": "order-900101"}'
    ::jsonb,
    'the amount travels as a string, rounded half-up to cents'
);
select isnt(
    app.request_payment(900101, 12.35, 'EUR', 'order-900101-charge-2'),
    app.request_payment(900101, 12.35, 'EUR'),
    'a second attempt at paying takes a new key'
);
select throws_ok(
    $$select app.request_payment(900102, 0)$$, '22023', null, 'a charge must be positive'
);
select app.request_refund(900101, 'pay_9', 2);
select is(
    (
        select row(action, payload ->> 'payment_reference', payload ->> 'amount')::text
        from app_private.outbox
        where idempotency_key = 'order-900101-refund'
    ),
    '(refund,pay_9,2.00)', 'a refund names the payment and the amount'
);

-- Shipping: the lines of the order go with the request.
select app.request_shipment(900104, '{"address": {"city": "Lyon"} }');
select is(
    (
        select row(channel, action, payload -> 'address' ->> 'city', payload -> 'lines')::text
        from app_private.outbox
        where idempotency_key = 'order-900104-shipment'
    ),
    '(shipping,create_shipment,Lyon,[])', 'a shipment carries the details and the lines'
);

-- Messages: a fresh key each time unless one is given.
select isnt(
    app.publish_redis('orders', '{"id": 1}'),
    app.publish_redis('orders', '{"id": 1}'),
    'two Redis messages are two rows'
);
select is(
    app.publish_rabbitmq('order.paid', '{"id": 1}', 'msg-1'),
    app.publish_rabbitmq('order.paid', '{"id": 1}', 'msg-1'),
    'a RabbitMQ message with a key is sent once'
);
select set_config('test.event', app.publish_event('order.shipped', '{"order_id": 7}'), true);
select is(
    (
        select array_agg(channel order by channel) from app_private.outbox
        where idempotency_key = current_setting('test.event')
    ),
    array['rabbitmq', 'redis'], 'an event goes to Redis and RabbitMQ under one id'
);
select is(
    (
        select array_agg(payload order by channel) from app_private.outbox
        where idempotency_key = current_setting('test.event')
    ),
    array[
        '{"routing_key": "order.shipped", "message": {"order_id": 7} }'::jsonb,
        '{"channel": "order.shipped", "message": {"order_id": 7} }'::jsonb
    ],
    'each copy says where it goes'
);

select finish();
rollback;

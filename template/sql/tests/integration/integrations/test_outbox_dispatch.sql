-- Integration: an answer recorded by app.outbox_delivered reaches the row's
-- result handler in the same transaction (integrations/outbox.sql registry):
-- a charge -> app.order_payment_result, a shipment -> app.order_shipment_created;
-- other answers are only recorded. The order functions are stand-ins here
-- (dropped and recreated inside this rolled-back transaction), so this tests
-- the dispatch, not the orders (tests/*/orders/ do).
begin;
select plan(14);
set local client_min_messages = error;

create temporary table calls (fn text, args jsonb) on commit drop;
drop function if exists app.order_payment_result(bigint, boolean, text);
create function app.order_payment_result(order_id bigint, succeeded boolean, reference text)
returns void
language sql
as $$
    insert into calls values (
        'order_payment_result',
        jsonb_build_object('order_id', order_id, 'succeeded', succeeded, 'reference', reference)
    )
$$;
drop function if exists app.order_shipment_created(bigint, text);
create function app.order_shipment_created(order_id bigint, tracking_number text)
returns void
language sql
as $$
    insert into calls values (
        'order_shipment_created',
        jsonb_build_object('order_id', order_id, 'tracking_number', tracking_number)
    )
$$;

select ok(
    exists (
        select 1 from app.outbox_result_handlers() as h
        where h.channel = 'payment' and h.action = 'charge'
    ),
    'the registry lists the charge handler'
);
select is_empty(
    $$select h.handler from app.outbox_result_handlers() as h
    where to_regproc(h.handler) is null$$,
    'every handler in the registry exists'
);

-- A charge that succeeded.
select app.request_payment(900001, 25.5);
select ok(
    app.outbox_delivered(
        (
            select id from app_private.outbox
            where idempotency_key = 'order-900001-charge'
        ),
        '{"succeeded": true, "reference": "pay_1"}'
    ),
    'a delivered charge is recorded'
);
select is(
    (
        select args from calls
        where fn = 'order_payment_result'
    ),
    '{"order_id": 900001, "succeeded": true, "reference": "pay_1"}'::jsonb,
    'the order hears that its payment succeeded, with the reference'
);
select is(
    (
        select row(status, result ->> 'reference', delivered_at is not null)::text
        from app_private.outbox
        where idempotency_key = 'order-900001-charge'
    ),
    '(delivered,pay_1,t)', 'the row is delivered with its answer'
);
select ok(
    not app.outbox_delivered(
        (
            select id from app_private.outbox
            where idempotency_key = 'order-900001-charge'
        ),
        '{"succeeded": true, "reference": "pay_1"}'
    ),
    'delivering the same row again says so'
);
select is(
    (select count(*)::integer from calls), 1, 'and its handler does not run twice'
);

-- A declined charge.
delete from calls;
select app.request_payment(900002, 10.13);
select app.outbox_delivered(
    (
        select id from app_private.outbox
        where idempotency_key = 'order-900002-charge'
    ),
    '{"succeeded": false, "decline_code": "card_declined"}'
);
select is(
    (select args from calls),
    '{"order_id": 900002, "succeeded": false, "reference": "card_declined"}'::jsonb,
    'a declined charge fails the payment, with the decline code'
);

-- A shipment.
delete from calls;
select app.request_shipment(900003, '{"address": {"city": "Lyon"} }');
select app.outbox_delivered(
    (
        select id from app_private.outbox
        where idempotency_key = 'order-900003-shipment'
    ),
    '{"tracking_number": "TRK123"}'
);
select is(
    (select args from calls),
    '{"order_id": 900003, "tracking_number": "TRK123"}'::jsonb,
    'a created shipment gives the order its tracking number'
);
select throws_ok(
    $$select app.shipment_created_result('{"order_id": 1}', '{}')$$, '22023', null,
    'a shipment answer without a tracking number is refused'
);

-- A refund, an email: recorded only.
delete from calls;
select app.request_refund(900001, 'pay_1', 5);
select ok(
    app.outbox_delivered(
        (
            select id from app_private.outbox
            where idempotency_key = 'order-900001-refund'
        ),
        '{"refund_id": "ref_1"}'
    ),
    'a refund is recorded'
);
select is_empty('select * from calls', 'no handler runs for a refund');

-- A handler that fails undoes the delivery: the relay records a failure instead.
drop function app.order_shipment_created(bigint, text);
create function app.order_shipment_created(order_id bigint, tracking_number text)
returns void
language plpgsql
as $$
begin
    perform app.raise_error('UA019');
end;
$$;
select app.request_shipment(900004);
select throws_ok(
    $$select app.outbox_delivered(
        (select id from app_private.outbox where idempotency_key = 'order-900004-shipment'),
        '{"tracking_number": "TRK4"}'
    )$$,
    'UA019', null, 'a handler''s error reaches the relay'
);
select is(
    (
        select status from app_private.outbox
        where idempotency_key = 'order-900004-shipment'
    ),
    'pending', 'and the row stays pending'
);

select finish();
rollback;

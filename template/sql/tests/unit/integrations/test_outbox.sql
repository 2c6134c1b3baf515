-- Unit: the outbox's life cycle (integrations/outbox.sql): enqueue once per
-- key and channel, claim once, back-off, dead, stale locks, retry.
begin;
select plan(28);
-- The warnings app.log writes for dead and skipped rows are expected here.
set local client_min_messages = error;

-- Only this test's rows: the table may hold others.
delete from app_private.outbox;
select app.set_setting('outbox_retry_base_seconds', '5');
select app.set_setting('outbox_retry_max_seconds', '3600');

select is(
    app.outbox_enqueue('email', 'send', '{"to": "a@example.com"}', 'k-1'),
    app.outbox_enqueue('email', 'send', '{"to": "b@example.com"}', 'k-1'),
    'the same key on the same channel finds the first row'
);
select isnt(
    app.outbox_enqueue('redis', 'publish', '{}', 'k-1'),
    app.outbox_enqueue('email', 'send', '{}', 'k-1'),
    'the same key on another channel is another request'
);
select is(
    (
        select count(*)::integer from app_private.outbox
        where idempotency_key = 'k-1'
    ),
    2, 'two rows: one per channel'
);
select is(
    (
        select payload ->> 'to' from app_private.outbox
        where channel = 'email'
    ),
    'a@example.com', 'the first payload is kept'
);
select ok(
    (
        select trace_id ~ '^[0-9a-f]{32}$' from app_private.outbox
        where channel = 'email'
    ),
    'a row carries the trace id'
);
select throws_ok(
    $$select app.outbox_enqueue('fax', 'send', '{}', 'k-2')$$, '23514', null,
    'an unknown channel is refused'
);

-- Claim: due pending rows of the channels asked for, once.
select is(
    (select array_agg(channel) from app.outbox_claim(array['email'], 'relay-1', 10)),
    array['email'], 'a claim takes the due rows of its channels only'
);
select is(
    (
        select row(attempts, locked_by)::text from app_private.outbox
        where channel = 'email'
    ),
    '(1,relay-1)', 'a claim counts the attempt and records who holds it'
);
select is_empty(
    $$select * from app.outbox_claim(array['email'], 'relay-2', 10)$$,
    'a claimed row is not claimed again'
);
update app_private.outbox set available_at = now() + interval '1 minute'
where channel = 'redis';
select is_empty(
    $$select * from app.outbox_claim(null, 'relay-2', 10)$$,
    'a row is not claimed before available_at'
);
update app_private.outbox set available_at = now()
where channel = 'redis';
select is(
    (select count(*)::integer from app.outbox_claim(null, 'relay-2', 10)),
    1, 'a null channel list claims every channel'
);

-- A transient failure: pending again after the back-off.
select is(
    app.outbox_failed(
        (
            select id from app_private.outbox
            where channel = 'email'
        ), 'connection refused'
    ),
    'pending', 'a transient failure leaves the row pending'
);
select is(
    (
        select row(status, last_error, locked_at is null, available_at - now())::text
        from app_private.outbox
        where channel = 'email'
    ),
    '(pending,"connection refused",t,00:00:05)',
    'the first failure waits the base delay, unlocked'
);
update app_private.outbox set attempts = 3, available_at = now()
where channel = 'email';
select app.outbox_claim(array['email'], 'relay-1');
select app.outbox_failed((
    select id from app_private.outbox
    where channel = 'email'
), 'timeout');
select is(
    (
        select available_at - now() from app_private.outbox
        where channel = 'email'
    ),
    interval '40 seconds', 'the delay doubles at each attempt (4th: 5 s x 8)'
);
update app_private.outbox set attempts = 20, max_attempts = 30, available_at = now()
where channel = 'email';
select app.outbox_claim(array['email'], 'relay-1');
select app.outbox_failed((
    select id from app_private.outbox
    where channel = 'email'
), 'timeout');
select is(
    (
        select available_at - now() from app_private.outbox
        where channel = 'email'
    ),
    interval '1 hour', 'the delay stops growing at outbox_retry_max_seconds'
);

-- Out of attempts: dead.
update app_private.outbox set attempts = 7, max_attempts = 8, available_at = now()
where channel = 'email';
select app.outbox_claim(array['email'], 'relay-1');
select is(
    app.outbox_failed((
        select id from app_private.outbox
        where channel = 'email'
    ), 'timeout'),
    'dead', 'the last attempt failing makes the row dead'
);
select is_empty(
    $$select * from app.outbox_claim(array['email'], 'relay-1', 10)$$,
    'a dead row is never claimed'
);

-- A permanent failure: dead at once, whatever the attempts left.
select is(
    app.outbox_failed(
        (
            select id from app_private.outbox
            where channel = 'redis'
        ), 'HTTP 400', true,
        '{"status": 400}'
    ),
    'dead', 'a permanent failure is dead at once'
);
select is(
    (
        select result from app_private.outbox
        where channel = 'redis'
    ),
    '{"status": 400}'::jsonb, 'the answer that failed is kept'
);
select is(
    app.outbox_failed((
        select id from app_private.outbox
        where channel = 'redis'
    ), 'again'),
    null, 'a row no longer pending is not failed again'
);

-- Retry by hand: back to pending from the first attempt.
select ok(
    app.outbox_retry((
        select id from app_private.outbox
        where channel = 'redis'
    )),
    'a dead row can be retried'
);
select is(
    (
        select row(status, attempts)::text from app_private.outbox
        where channel = 'redis'
    ),
    '(pending,0)', 'a retried row is pending with no attempts'
);

-- Skipped: the relay has no such system configured.
select app.outbox_claim(array['redis'], 'relay-1');
select ok(
    app.outbox_skipped(
        (
            select id from app_private.outbox
            where channel = 'redis'
        ), 'REDIS_URL is empty'
    ),
    'a row can be skipped'
);
select is(
    (
        select row(status, last_error)::text from app_private.outbox
        where channel = 'redis'
    ),
    '(skipped,"REDIS_URL is empty")', 'a skipped row says why'
);

-- A relay that died holding a claim.
select app.outbox_enqueue('storage', 'put_object', '{}', 'k-3');
select app.outbox_claim(array['storage'], 'relay-9');
update app_private.outbox set locked_at = now() - interval '10 minutes'
where channel = 'storage';
select is(
    app.outbox_release_stale(interval '5 minutes'), 1, 'a stale claim is released'
);
select is(
    (
        select row(status, locked_at is null, attempts)::text
        from app_private.outbox
        where channel = 'storage'
    ),
    '(pending,t,1)', 'the released row is pending again, its attempt counted'
);

-- Purge: old delivered and skipped rows go, dead ones stay.
update app_private.outbox set updated_at = now() - interval '60 days';
select is(
    app.outbox_purge(interval '30 days'), 1, 'an old skipped row is purged'
);
select is(
    (select array_agg(status order by status) from app_private.outbox),
    array['dead', 'pending'], 'dead and pending rows stay'
);

select finish();
rollback;

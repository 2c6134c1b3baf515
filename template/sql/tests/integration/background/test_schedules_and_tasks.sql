-- Integration: the scheduler (background/scheduler.sql) and the task
-- handlers (background/tasks/, background/workers/): what each task writes.
begin;
-- Failed jobs log a warning each; the TAP output stays readable without them.
set local client_min_messages = error;
select plan(13);

-- A schedule is enqueued once per due time, however often the loop asks.
insert into app_private.schedules (name, every, task, payload, queue, next_run_at)
values ('bg_test_every_5', interval '5 minutes', 'maintenance.noop', '{}', 'bg_sched', now());
select ok(app.enqueue_due_schedules() >= 1, 'a due schedule is enqueued');
select is(app.enqueue_due_schedules(), 0, 'asking again in the same period enqueues nothing');
select results_eq(
    $$select count(*)::integer, min(job_key) from app_private.jobs where queue = 'bg_sched'$$,
    $$values (1, 'schedule:bg_test_every_5')$$,
    'one job, keyed by the schedule'
);
select is(
    (
        select next_run_at - now() from app_private.schedules
        where name = 'bg_test_every_5'
    ),
    interval '5 minutes',
    'the schedule moves to its next time'
);
update app_private.schedules set next_run_at = now() - interval '1 hour'
where name = 'bg_test_every_5';
select ok(app.enqueue_due_schedules() >= 1, 'a schedule late by many periods is due');
select is(
    (
        select count(*)::integer from app_private.jobs
        where queue = 'bg_sched'
    ), 1,
    'its job not yet run is replaced, not piled up'
);
select ok(
    (
        select bool_and(s.name is not null)
        from (
            values ('refresh_reports'), ('release_stale_locks'), ('purge_jobs'),
            ('expire_unpaid_orders')
        ) as expected (name)
        left join app_private.schedules as s on expected.name = s.name
    ),
    'the platform''s recurring jobs are scheduled'
);
select
    case
        when app.schedules_use_cron()
            then results_eq(
                $$select count(*)::integer from cron.job where jobname like 'schedule:%'$$,
                $$select count(*)::integer from app_private.schedules
                  where name <> 'bg_test_every_5'$$,
                'with pg_cron, one cron job per schedule'
            )
        else skip('pg_cron is not available', 1)
    end;

-- email.send: one outbox row, keyed by the job, carrying the job's trace.
do $$
begin
    perform set_config(
        'request.traceparent', '00-' || repeat('ab', 16) || '-' || repeat('cd', 8) || '-01', true
    );
    perform app.enqueue_job(
        'email.send', '{"to": "bg-test@example.com", "subject": "Hi", "body": "Hello"}', 'bg_mail'
    );
    perform set_config('request.traceparent', '', true);
    perform app.run_job(j.id, 'w1') from app.claim_job('w1', array['bg_mail']) as j;
end;
$$;
select results_eq(
    $$select o.channel, o.action, o.payload ->> 'to', o.idempotency_key, o.trace_id
      from app_private.outbox as o where o.payload ->> 'to' = 'bg-test@example.com'$$,
    $$select 'email', 'send', 'bg-test@example.com', 'job-' || j.id, repeat('ab', 16)
      from app_private.jobs as j where j.queue = 'bg_mail'$$,
    'email.send writes an email outbox row keyed by the job, in the job''s trace'
);

-- notify.order_status: the order's customer gets an email.
insert into app_private.users (email, full_name, password_hash)
values ('bg-notify@example.com', 'Ann', 'x');
insert into app_private.orders (user_id, idempotency_key, subtotal, discount, tax, total)
select
    id as user_id,
    'bg-order' as idempotency_key,
    10 as subtotal,
    0 as discount,
    0.80 as tax,
    10.80 as total
from app_private.users
where email = 'bg-notify@example.com';
do $$
begin
    perform app.enqueue_job(
        'notify.order_status',
        jsonb_build_object('order_id', o.id, 'status', 'shipped'),
        'bg_notify'
    )
    from app_private.orders as o where o.idempotency_key = 'bg-order';
    perform app.run_job(j.id, 'w1') from app.claim_job('w1', array['bg_notify']) as j;
end;
$$;
select results_eq(
    $$select o.payload ->> 'to', o.payload ->> 'subject' like '%shipped%', o.idempotency_key,
          o.payload ->> 'order_id'
      from app_private.outbox as o where o.payload ->> 'to' = 'bg-notify@example.com'$$,
    $$select 'bg-notify@example.com', true, 'order-' || id || '-shipped', id::text
      from app_private.orders where idempotency_key = 'bg-order'$$,
    'notify.order_status emails the order''s customer, once per order and status'
);

-- orders.process and orders.expire_unpaid call the order service (stand-ins
-- here, so this tests the dispatch only; services/order.sql has its own tests).
create or replace function app.process_paid_order(order_id bigint)
returns void
language plpgsql
as $$
begin
    perform set_config('bg_test.processed', order_id::text, true);
end;
$$;
do $$
begin
    perform app.enqueue_job('orders.process', '{"order_id": 42}', 'bg_orders');
    perform app.run_job(j.id, 'w1') from app.claim_job('w1', array['bg_orders']) as j;
end;
$$;
select is(
    current_setting('bg_test.processed', true), '42',
    'orders.process calls app.process_paid_order(order_id)'
);
select is(
    (
        select status from app_private.jobs
        where queue = 'bg_orders'
    ), 'done',
    'and the job is done'
);
drop function app.process_paid_order(bigint);
do $$
begin
    perform app.enqueue_job('orders.process', '{"order_id": 42}', 'bg_orders_missing');
    perform app.run_job(j.id, 'w1') from app.claim_job('w1', array['bg_orders_missing']) as j;
end;
$$;
select is(
    (
        select last_error from app_private.jobs
        where queue = 'bg_orders_missing'
    ),
    '42883: app.process_paid_order(bigint) is not loaded',
    'without the order service the job fails and is retried'
);

select finish();
rollback;

-- Unit: the queue's pure rules (background/queue.sql, background/scheduler.sql):
-- back-off, the task registry, cron expressions, the schedule grid, RLS.
begin;
select plan(14);

select ok(
    app.job_backoff(1) >= interval '2 seconds' and app.job_backoff(1) < interval '3 seconds',
    'the first retry waits about 2 seconds'
);
select ok(
    (
        select bool_and(app.job_backoff(n) < app.job_backoff(n + 1))
        from generate_series(1, 10) as n
    ),
    'each retry waits longer than the one before (jitter included)'
);
select is(app.job_backoff(30), interval '1 hour', 'the wait is at most one hour');

select is(
    (
        select count(*)::integer from app.job_handlers()
        where handler is null
    ),
    0,
    'every registered task has a loaded handler'
);
select ok(
    (
        select
            array_agg(task order by task)
            @> array[
                'email.send', 'notify.order_status', 'orders.process',
                'analytics.refresh_reports', 'maintenance.noop'
            ]
        from app.job_handlers()
    ),
    'the registry lists the platform''s tasks'
);

select is(app.cron_expression(interval '1 minute'), '*/1 * * * *', 'every minute');
select is(app.cron_expression(interval '10 minutes'), '*/10 * * * *', 'every 10 minutes');
select is(app.cron_expression(interval '2 hours'), '0 */2 * * *', 'every 2 hours');
select is(app.cron_expression(interval '1 day'), '0 0 * * *', 'daily at midnight');

select is(
    app.schedule_next_run('2026-01-01 00:00+00', interval '5 minutes', '2026-01-01 00:12+00'),
    '2026-01-01 00:15+00'::timestamptz,
    'a late schedule moves to the next point on its grid, skipping missed runs'
);
select is(
    app.schedule_next_run('2026-01-01 00:20+00', interval '5 minutes', '2026-01-01 00:12+00'),
    '2026-01-01 00:20+00'::timestamptz,
    'a schedule not yet due keeps its time'
);

select ok(
    (
        select relrowsecurity from pg_class
        where oid = 'app_private.jobs'::regclass
    ),
    'row-level security is on for jobs'
);
select ok(
    (
        select relrowsecurity from pg_class
        where oid = 'app_private.schedules'::regclass
    ),
    'row-level security is on for schedules'
);
select is(
    (
        select count(*)::integer
        from pg_proc as p
        cross join (values ('anon'), ('user'), ('api')) as r (suffix)
        inner join pg_roles as role on role.rolname like '%\_' || r.suffix
        where
            p.pronamespace = 'app'::regnamespace
            and p.proname in ('claim_job', 'run_job', 'release_stale_jobs', 'purge_jobs')
            and has_function_privilege(role.oid, p.oid, 'execute')
    ),
    0,
    'no client role may claim, run, release or purge jobs'
);

select finish();
rollback;

-- Integration: liveness and readiness (monitoring/health/health_check.sql).
-- Readiness fails when a migration is missing, when the queue stalls, when
-- the outbox stalls; the test starts from a quiet queue and outbox (rolled back).
begin;
select plan(16);

delete from app_private.jobs;
delete from app_private.outbox;

select is(app.liveness() ->> 'status', 'ok', 'the database is alive');
select is(app.readiness() ->> 'status', 'ok', 'ready: migrations applied, nothing stalled');
select is(
    app.readiness() #>> '{checks,replication,role}', 'primary',
    'this server is a primary (not in recovery)'
);

-- A missing migration.
delete from public.schema_migrations
where version = '20260304000000';
select is(app.readiness() ->> 'status', 'fail', 'not ready when a migration is missing');
select is(
    app.readiness() #> '{checks,migrations,missing}', '["20260304000000"]',
    'the missing migration is named'
);
insert into public.schema_migrations (version) values ('20260304000000');
select is(app.readiness() ->> 'status', 'ok', 'ready again once it is applied');

-- Every migration file is expected (the list is complete).
select is(
    (select count(*)::int from app.expected_migrations()),
    (select count(*)::int from public.schema_migrations),
    'the expected list names every applied migration'
);

-- A stalled queue: a job due ten minutes ago that no worker took.
insert into app_private.jobs (task, run_at)
values ('noop', now() - interval '10 minutes');
select is(app.readiness() #>> '{checks,queue,status}', 'fail', 'a job waiting 10 minutes stalls');
select is(app.readiness() ->> 'status', 'fail', 'not ready when the queue stalls');
select app.set_setting('health_queue_stall_seconds', '900');
select is(
    app.readiness() #>> '{checks,queue,status}', 'ok', 'the stall threshold is a setting'
);

-- A stalled outbox.
insert into app_private.outbox (channel, action, idempotency_key, available_at)
values ('email', 'send', 'health-test', now() - interval '10 minutes');
select is(
    app.readiness() #>> '{checks,outbox,status}', 'fail', 'an outbox row waiting 10 minutes stalls'
);
update app_private.outbox set status = 'delivered'
where idempotency_key = 'health-test';
select is(app.readiness() ->> 'status', 'ok', 'ready once it is delivered');

-- No standby here: the check reports none and passes.
select is(
    app.readiness() #>> '{checks,replication,status}', 'ok',
    'no standby connected: replication is ok'
);

-- The lag verdict (a standby is not at hand in this test: the inputs are given).
select is(
    app.health_replication_verdict('standby', 0, 120) ->> 'status', 'fail',
    'a standby 120 seconds behind fails (default limit 60)'
);
select is(
    app.health_replication_verdict('primary', 2, 5) ->> 'status', 'ok',
    'standbys 5 seconds behind are fine'
);
select app.set_setting('health_replication_lag_seconds', '200');
select is(
    app.health_replication_verdict('standby', 0, 120) ->> 'status', 'ok',
    'the lag limit is a setting'
);

select finish();
rollback;

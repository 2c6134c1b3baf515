-- Integration: claiming, running, retrying and releasing jobs
-- (background/queue.sql). The test's jobs use their own queues, so jobs the
-- scheduler enqueues meanwhile do not get in the way. One transaction: now()
-- does not move, so a job due "later" is made due by moving its run_at.
begin;
-- Failed jobs log a warning each; the TAP output stays readable without them.
set local client_min_messages = error;
select plan(24);

-- Claim order: priority, then run_at, then id; only what is due.
do $$
begin
    perform app.enqueue_job('maintenance.noop', '{"n": 1}', 'bg_test', now() - interval '1 minute', 5);
    perform app.enqueue_job('maintenance.noop', '{"n": 2}', 'bg_test', now() - interval '2 minutes', 5);
    perform app.enqueue_job('maintenance.noop', '{"n": 3}', 'bg_test', now(), 1);
    perform app.enqueue_job('maintenance.noop', '{"n": 4}', 'bg_test', now() + interval '1 hour', 0);
end;
$$;

select is(
    (select payload ->> 'n' from app.claim_job('w1', array['bg_test'])), '3',
    'the lowest priority number is claimed first'
);
select is(
    (select payload ->> 'n' from app.claim_job('w1', array['bg_test'])), '2',
    'then the earliest run_at'
);
select is(
    (select payload ->> 'n' from app.claim_job('w2', array['bg_test'])), '1',
    'a claimed job is not claimed again'
);
select is(
    (select count(*)::integer from app.claim_job('w2', array['bg_test'])), 0,
    'a job due later is not claimed'
);
select is(
    (select count(*)::integer from app.claim_job('w2', array['bg_other'])), 0,
    'a worker claims only from its queues'
);
select results_eq(
    $$select attempts, locked_by from app_private.jobs
      where queue = 'bg_test' and payload ->> 'n' = '1'$$,
    $$values (1, 'w2')$$,
    'a claim counts an attempt and records the worker'
);

-- Running: done, and only by the worker that holds the job.
select is(
    (
        select app.run_job(id, 'w9') from app_private.jobs
        where queue = 'bg_test' and payload ->> 'n' = '1'
    ),
    'lost',
    'another worker cannot run a job it did not claim'
);
select is(
    (
        select app.run_job(id, 'w2') from app_private.jobs
        where queue = 'bg_test' and payload ->> 'n' = '1'
    ),
    'done',
    'the worker that claimed it runs it'
);
select results_eq(
    $$select status, locked_at is null, finished_at is not null from app_private.jobs
      where queue = 'bg_test' and payload ->> 'n' = '1'$$,
    $$values ('done', true, true)$$,
    'a job run is done and unlocked'
);

-- Failure: retried with a growing back-off, then dead with its error.
do $$
begin
    perform app.enqueue_job('email.send', '{"subject": "no recipient"}', 'bg_fail', now(), 0, 3);
end;
$$;
select is(
    (select app.run_job(id, 'w1') from app.claim_job('w1', array['bg_fail'])), 'retry',
    'a failing job is scheduled again'
);
create temporary table waits (attempt integer, wait interval) on commit drop;
insert into waits (attempt, wait)
select
    attempts as attempt,
    run_at - now() as wait
from app_private.jobs
where queue = 'bg_fail';
select ok(
    (select wait between interval '2 seconds' and interval '3 seconds' from waits),
    'it waits about 2 seconds after the first failure'
);
select results_eq(
    $$select status, last_error like '22023: email needs a valid "to" address%', locked_by
      from app_private.jobs where queue = 'bg_fail'$$,
    $$values ('queued', true, null::text)$$,
    'its error is kept and it is unlocked'
);
select is(
    (select count(*)::integer from app.claim_job('w1', array['bg_fail'])), 0,
    'it is not claimed before its back-off has passed'
);
update app_private.jobs set run_at = now()
where queue = 'bg_fail';
select is(
    (select app.run_job(id, 'w1') from app.claim_job('w1', array['bg_fail'])), 'retry',
    'the second attempt fails too'
);
insert into waits (attempt, wait)
select
    attempts as attempt,
    run_at - now() as wait
from app_private.jobs
where queue = 'bg_fail';
select ok(
    (
        select (
            select wait from waits
            where attempt = 2) > (
            select wait from waits
            where attempt = 1
        )
    ),
    'the back-off grows'
);
update app_private.jobs set run_at = now()
where queue = 'bg_fail';
select is(
    (select app.run_job(id, 'w1') from app.claim_job('w1', array['bg_fail'])), 'dead',
    'after max_attempts the job is dead'
);
select results_eq(
    $$select status, attempts, last_error is not null, finished_at is not null
      from app_private.jobs where queue = 'bg_fail'$$,
    $$values ('dead', 3, true, true)$$,
    'a dead job keeps its attempts and last error'
);

-- An unknown task fails with UA024 (and no write of a handler survives a failure).
do $$
begin
    perform app.enqueue_job('no.such_task', '{}', 'bg_unknown', now(), 0, 1);
end;
$$;
select is(
    (select app.run_job(id, 'w1') from app.claim_job('w1', array['bg_unknown'])), 'dead',
    'an unknown task fails'
);
select is(
    (
        select left(last_error, 5) from app_private.jobs
        where queue = 'bg_unknown'
    ), 'UA024',
    'with UA024'
);

-- job_key: a queued job with the same key is replaced, not duplicated.
select is(
    app.enqueue_job('maintenance.noop', '{"v": 1}', 'bg_key', now(), 0, 5, 'bg-key-1'),
    app.enqueue_job('maintenance.noop', '{"v": 2}', 'bg_key', now(), 0, 5, 'bg-key-1'),
    'a second enqueue with the same key returns the same job'
);
select results_eq(
    $$select count(*)::integer, max(payload ->> 'v') from app_private.jobs where queue = 'bg_key'$$,
    $$values (1, '2')$$,
    'and replaces its payload'
);

-- Stale locks: a job whose worker died is released (or dead when out of attempts).
do $$
begin
    perform app.enqueue_job('maintenance.noop', '{}', 'bg_stale', now(), 0, 5);
    perform app.enqueue_job('maintenance.noop', '{}', 'bg_stale', now(), 0, 1);
    perform * from app.claim_job('crashed', array['bg_stale']);
    perform * from app.claim_job('crashed', array['bg_stale']);
end;
$$;
update app_private.jobs set locked_at = now() - interval '10 minutes'
where queue = 'bg_stale';
select is(app.release_stale_jobs(interval '5 minutes') >= 2, true, 'stale locks are released');
select results_eq(
    $$select status, locked_by from app_private.jobs where queue = 'bg_stale' order by id$$,
    $$values ('queued', null::text), ('dead', null::text)$$,
    'a released job is claimable again, or dead when it had its last attempt'
);

-- Purge: done jobs older than the limit go.
update app_private.jobs set finished_at = now() - interval '30 days'
where queue = 'bg_test' and status = 'done';
select ok(app.purge_jobs(interval '7 days') >= 1, 'old done jobs are purged');

select finish();
rollback;

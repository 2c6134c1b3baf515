-- The job queue: app_private.jobs (core/database/migrations), run by
-- scripts/worker.py (`make worker`), graphile-worker style: a job is claimed
-- in one short transaction (committed), then run in another.
--
--   app.enqueue_job(task, payload, queue, run_at, priority, max_attempts, job_key)
--       -> the job's id; NOTIFY jobs wakes a waiting worker
--   app.job_handlers() -> (task, handler): the one list of tasks and their
--       handlers, each `(payload jsonb) returns void`
--   app.claim_job(worker_id, queues) -> the claimed job (none when nothing is due)
--   app.run_job(job_id, worker_id) -> 'done' | 'retry' | 'dead'
--   app.current_job_id() -> the id of the job being run (for idempotency keys)
--   app.job_backoff(attempts) -> the wait before the next attempt
--   app.release_stale_jobs(older_than) -> jobs unlocked (their worker died)
--   app.purge_jobs(older_than) -> done jobs deleted
--
-- Settings: queue_stale_lock_seconds (300), queue_purge_days (7).
-- Only enqueue_job runs as the owner (security definer: the API role enqueues
-- without any right on the table); the rest is for the worker, which connects
-- as the owner, and is granted to no one.

-- No client policy: only the owner (the worker) and security definer code see them.
alter table app_private.jobs enable row level security;
alter table app_private.schedules enable row level security;

create or replace function app.enqueue_job(
    task text,
    payload jsonb default '{}',
    queue text default 'default',
    run_at timestamptz default now(),
    priority integer default 0,
    max_attempts integer default 5,
    job_key text default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    new_id bigint;
begin
    insert into app_private.jobs as j (
        queue, task, payload, run_at, priority, max_attempts, job_key, trace_id
    )
    values (
        enqueue_job.queue, enqueue_job.task, coalesce(enqueue_job.payload, '{}'),
        enqueue_job.run_at, enqueue_job.priority, enqueue_job.max_attempts,
        enqueue_job.job_key, app.trace_id()
    )
    -- A queued job with the same key is replaced (unless a worker holds it:
    -- then its row lock makes this wait until it is done, and a new job is made).
    on conflict (job_key) where status = 'queued'
    do update set
        payload = excluded.payload,
        run_at = excluded.run_at,
        priority = excluded.priority,
        max_attempts = excluded.max_attempts,
        trace_id = excluded.trace_id,
        updated_at = now()
    returning j.id into new_id;
    perform pg_notify('jobs', enqueue_job.queue);
    return new_id;
end;
$$;

revoke execute on function app.enqueue_job(text, jsonb, text, timestamptz, integer, integer, text)
from public;

-- Every task and its handler. A task missing here (or whose handler is not
-- loaded) fails with UA024. The handlers live in background/tasks/ and
-- background/workers/; names are resolved when a job runs.
create or replace function app.job_handlers()
returns table (task text, handler regprocedure)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select h.task, pg_catalog.to_regprocedure(h.handler)
    from (
        values
        ('orders.process', 'app.handle_orders_process(jsonb)'),
        ('orders.expire_unpaid', 'app.handle_orders_expire_unpaid(jsonb)'),
        ('notify.order_status', 'app.handle_notify_order_status(jsonb)'),
        ('email.send', 'app.handle_email_send(jsonb)'),
        ('analytics.refresh_reports', 'app.handle_analytics_refresh_reports(jsonb)'),
        ('maintenance.release_stale_locks', 'app.handle_release_stale_locks(jsonb)'),
        ('maintenance.purge_jobs', 'app.handle_purge_jobs(jsonb)'),
        ('maintenance.noop', 'app.handle_noop(jsonb)')
    ) as h (task, handler)
$$;

-- Exponential back-off: 2^attempts seconds plus up to 25% jitter (so retries
-- of a burst spread out), at most one hour.
create or replace function app.job_backoff(attempts integer)
returns interval
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    select make_interval(
        secs => least(power(2, least(attempts, 20)) * (1 + random() * 0.25), 3600)
    )
$$;

-- Claims the next due job of the given queues (all when null): priority
-- first (lower first), then run_at, then id. Skips rows another worker is
-- claiming, so two workers never get the same job. The caller commits at
-- once: the claim (locked_at, locked_by, attempts + 1) outlives a crash.
-- Each queue's head comes from the partial index jobs_available (queue,
-- priority, run_at, id), so a long queue does not slow the others down.
create or replace function app.claim_job(worker_id text, queues text[] default null)
returns setof app_private.jobs
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    found_id bigint;
begin
    if queues is null then
        select j.id into found_id
        from app_private.jobs as j
        where j.status = 'queued' and j.locked_at is null and j.run_at <= now()
        order by j.priority, j.run_at, j.id
        limit 1
        for update skip locked;
    else
        select head.id into found_id
        from unnest(queues) as q (name)
        cross join lateral (
            select
                j.id,
                j.priority,
                j.run_at
            from app_private.jobs as j
            where
                j.queue = q.name
                and j.status = 'queued'
                and j.locked_at is null
                and j.run_at <= now()
            order by j.priority, j.run_at, j.id
            limit 1
            for update skip locked
        ) as head
        order by head.priority, head.run_at, head.id
        limit 1;
    end if;
    if found_id is null then
        return;
    end if;
    return query
    update app_private.jobs as j
    set
        locked_at = now(),
        locked_by = claim_job.worker_id,
        attempts = j.attempts + 1,
        updated_at = now()
    where j.id = found_id
    returning j.*;
end;
$$;

-- The id of the job being run, for handlers (idempotency keys); null outside.
create or replace function app.current_job_id()
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select nullif(current_setting('jobs.current_id', true), '')::bigint
$$;

-- Runs a job claimed by this worker: resumes its trace, calls its handler,
-- and marks it done. When the handler fails, its writes are rolled back, the
-- error is kept in last_error, and the job waits app.job_backoff(attempts)
-- before the next try, or is dead when it has had max_attempts. Returns
-- 'done', 'retry', 'dead', or 'lost' (not held by this worker any more).
create or replace function app.run_job(job_id bigint, worker_id text)
returns text
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    job app_private.jobs;
    found_handler regprocedure;
    failure text;
    failure_state text;
    outcome text;
begin
    select j.* into job
    from app_private.jobs as j
    where j.id = run_job.job_id and j.locked_by = run_job.worker_id and j.status = 'queued'
    for update;
    if not found then
        return 'lost';
    end if;
    perform app.resume_trace(job.trace_id);
    perform set_config('jobs.current_id', job.id::text, true);
    begin
        select h.handler into found_handler
        from app.job_handlers() as h
        where h.task = job.task;
        if found_handler is null then
            perform app.raise_error('UA024', job.task);
        end if;
        execute format('select %s($1)', found_handler::oid::regproc) using job.payload;
        update app_private.jobs as j
        set
            status = 'done', locked_at = null, locked_by = null,
            finished_at = now(), updated_at = now()
        where j.id = job.id;
        outcome := 'done';
    exception when others then
        get stacked diagnostics failure = message_text, failure_state = returned_sqlstate;
        failure := failure_state || ': ' || failure;
        if job.attempts >= job.max_attempts then
            outcome := 'dead';
        else
            outcome := 'retry';
        end if;
        update app_private.jobs as j
        set
            status = case when outcome = 'dead' then 'dead' else 'queued' end,
            last_error = left(failure, 2000),
            run_at = case
                when outcome = 'dead' then j.run_at else now() + app.job_backoff(j.attempts)
            end,
            finished_at = case when outcome = 'dead' then now() end,
            locked_at = null, locked_by = null, updated_at = now()
        where j.id = job.id;
        perform app.log(
            'warning', 'job_failed',
            jsonb_build_object(
                'job_id', job.id, 'task', job.task, 'attempts', job.attempts,
                'outcome', outcome, 'error', failure
            )
        );
    end;
    perform set_config('jobs.current_id', '', true);
    return outcome;
end;
$$;

-- Unlocks jobs claimed longer ago than older_than (setting
-- queue_stale_lock_seconds, default 300) whose worker is gone: a live worker
-- holds its job's row lock while it runs it, so `skip locked` leaves those
-- alone. A job out of attempts is dead instead.
create or replace function app.release_stale_jobs(older_than interval default null)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    cutoff timestamptz := now() - coalesce(
        older_than,
        make_interval(secs => app.setting('queue_stale_lock_seconds', '300')::double precision)
    );
    released integer;
begin
    with stale as (
        select j.id
        from app_private.jobs as j
        where j.status = 'queued' and j.locked_at < cutoff
        for update skip locked
    )

    update app_private.jobs as j
    set
        status = case when j.attempts >= j.max_attempts then 'dead' else 'queued' end,
        finished_at = case when j.attempts >= j.max_attempts then now() end,
        last_error = 'lock expired: worker ' || coalesce(j.locked_by, '?') || ' did not finish',
        run_at = now(), locked_at = null, locked_by = null, updated_at = now()
    from stale
    where j.id = stale.id;
    get diagnostics released = row_count;
    if released > 0 then
        perform app.log('warning', 'jobs_released', jsonb_build_object('count', released));
    end if;
    return released;
end;
$$;

-- Deletes done jobs finished longer ago than older_than (setting
-- queue_purge_days, default 7). Dead jobs stay for someone to look at.
create or replace function app.purge_jobs(older_than interval default null)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    purged integer;
begin
    delete from app_private.jobs as j
    where j.status = 'done'
        and j.finished_at < now() - coalesce(
            older_than,
            make_interval(days => app.setting('queue_purge_days', '7')::integer)
        );
    get diagnostics purged = row_count;
    return purged;
end;
$$;

-- Maintenance handlers (scheduled by background/scheduler.sql).
create or replace function app.handle_release_stale_locks(payload jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.release_stale_jobs((payload ->> 'older_than')::interval);
end;
$$;

create or replace function app.handle_purge_jobs(payload jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.purge_jobs((payload ->> 'older_than')::interval);
end;
$$;

-- Does nothing: measures the queue itself (bench/, `maintenance.noop`).
create or replace function app.handle_noop(payload jsonb)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    null;
end;
$$;

revoke execute on function app.job_handlers() from public;
revoke execute on function app.claim_job(text, text[]) from public;
revoke execute on function app.run_job(bigint, text) from public;
revoke execute on function app.release_stale_jobs(interval) from public;
revoke execute on function app.purge_jobs(interval) from public;
revoke execute on function app.handle_release_stale_locks(jsonb) from public;
revoke execute on function app.handle_purge_jobs(jsonb) from public;
revoke execute on function app.handle_noop(jsonb) from public;

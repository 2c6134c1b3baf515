-- migrate:up
set lock_timeout = '5s';
set statement_timeout = '60s';

-- The job queue (background/queue.sql). A worker claims the next available
-- job with `for update skip locked`, so two workers never run the same one.
-- Priorities and attempt counts are small numbers: integer is enough.
-- squawk-ignore-file prefer-bigint-over-int
create table if not exists app_private.jobs (
    id bigint generated always as identity primary key,
    queue text not null default 'default',
    task text not null, -- noqa: RF04
    payload jsonb not null default '{}',
    -- Lower runs first.
    priority integer not null default 0,
    run_at timestamptz not null default now(),
    attempts integer not null default 0,
    max_attempts integer not null default 5,
    last_error text,
    locked_at timestamptz,
    locked_by text,
    -- queued: waiting or running; done: succeeded; dead: out of attempts.
    status text not null default 'queued',
    -- At most one queued job per key (a later enqueue with the key replaces it).
    job_key text,
    trace_id text,
    finished_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint jobs_status_known check (status in ('queued', 'done', 'dead')),
    constraint jobs_attempts_range check (attempts >= 0 and max_attempts between 1 and 100)
);

-- What a worker scans: queued jobs nobody holds, each queue in claim order
-- (app.claim_job takes the head of each of its queues).
create index if not exists jobs_available
on app_private.jobs (queue, priority, run_at, id)
where status = 'queued' and locked_at is null;
create unique index if not exists jobs_queued_job_key
on app_private.jobs (job_key)
where status = 'queued';

-- Recurring jobs (background/scheduler.sql): pg_cron enqueues them when the
-- server has it, the worker loop otherwise.
create table if not exists app_private.schedules (
    name text primary key,
    every interval not null,
    task text not null, -- noqa: RF04
    payload jsonb not null default '{}',
    queue text not null default 'default',
    next_run_at timestamptz not null default now(),
    last_run_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint schedules_every_whole_minutes check (
        every >= interval '1 minute'
        and extract(epoch from every)::bigint % 60 = 0
    )
);

-- migrate:down
set lock_timeout = '5s';
-- squawk-ignore ban-drop-table
drop table if exists app_private.schedules;
-- squawk-ignore ban-drop-table
drop table if exists app_private.jobs;

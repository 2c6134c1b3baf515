-- The job queue: app_private.jobs (core/database/migrations).
--
--   app.enqueue_job(task, payload, queue, run_at, priority, max_attempts, job_key)
--       -> the job's id; NOTIFY jobs wakes a waiting worker
--
-- Runs as the owner of the tables (security definer): the API role enqueues
-- without any right on the table.

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
    on conflict (job_key) where status = 'queued'
    do update set
        payload = excluded.payload,
        run_at = excluded.run_at,
        priority = excluded.priority,
        trace_id = excluded.trace_id
    returning j.id into new_id;
    perform pg_notify('jobs', enqueue_job.queue);
    return new_id;
end;
$$;

revoke execute on function app.enqueue_job(text, jsonb, text, timestamptz, integer, integer, text)
from public;

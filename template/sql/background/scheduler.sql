-- Recurring jobs: app_private.schedules (core/database/migrations), each a
-- task enqueued every `every` (whole minutes). pg_cron runs them when the
-- server has it (preloaded, cron.database_name = this database: see
-- scripts/pg.sh); otherwise the worker loop calls app.enqueue_due_schedules().
-- Either way a schedule's job has the job_key 'schedule:<name>', so a job
-- not yet run is replaced, never piled up.
--
--   app.run_schedule(name) -> the job's id: enqueues it now, moves next_run_at
--   app.enqueue_due_schedules() -> how many were due (each enqueued once)
--   app.cron_expression(every) -> the pg_cron schedule for an interval
--   app.schedules_use_cron() -> true when pg_cron runs them
--   app.sync_cron_schedules() -> one cron job per schedule (named 'schedule:<name>')

insert into app_private.schedules as s (name, every, task, payload, queue)
values
('refresh_reports', interval '5 minutes', 'analytics.refresh_reports', '{}', 'default'),
('release_stale_locks', interval '1 minute', 'maintenance.release_stale_locks', '{}', 'default'),
('purge_jobs', interval '1 day', 'maintenance.purge_jobs', '{}', 'default'),
(
    'expire_unpaid_orders', interval '10 minutes', 'orders.expire_unpaid',
    '{"older_than": "1 hour"}', 'orders'
)
on conflict (name) do update
    set
        every = excluded.every,
        task = excluded.task,
        payload = excluded.payload,
        queue = excluded.queue,
        updated_at = now()
    where (s.every, s.task, s.payload, s.queue)
    is distinct from (excluded.every, excluded.task, excluded.payload, excluded.queue);

-- The next time after `after` on the grid next_run_at + k * every.
create or replace function app.schedule_next_run(
    next_run_at timestamptz, every interval, after timestamptz
) returns timestamptz
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select
        case
            when next_run_at > after then next_run_at
            else next_run_at + every * (
                floor(extract(epoch from after - next_run_at) / extract(epoch from every)) + 1
            )
        end
$$;

create or replace function app.run_schedule(name text)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    schedule app_private.schedules;
    job_id bigint;
begin
    select s.* into schedule
    from app_private.schedules as s
    where s.name = run_schedule.name
    for update;
    if not found then
        return null;
    end if;
    job_id := app.enqueue_job(
        schedule.task, schedule.payload, schedule.queue, now(), 0, 5, 'schedule:' || schedule.name
    );
    update app_private.schedules as s
    set
        last_run_at = now(),
        next_run_at = app.schedule_next_run(s.next_run_at, s.every, now()),
        updated_at = now()
    where s.name = schedule.name;
    return job_id;
end;
$$;

-- Enqueues every schedule that is due, once however many runs were missed.
-- Two workers calling it at once do not enqueue a schedule twice.
create or replace function app.enqueue_due_schedules()
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    due record;
    enqueued integer := 0;
begin
    for due in
        select s.name
        from app_private.schedules as s
        where s.next_run_at <= now()
        order by s.next_run_at
        for update skip locked
    loop
        perform app.run_schedule(due.name);
        enqueued := enqueued + 1;
    end loop;
    return enqueued;
end;
$$;

-- pg_cron has no seconds (1.4): minutes divide the hour, hours the day; an
-- interval that does neither runs on the nearest coarser grid.
create or replace function app.cron_expression(every interval)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select
        case
            when m < 60 then format('*/%s * * * *', m)
            when m < 1440 then format('0 */%s * * *', m / 60)
            when m = 1440 then '0 0 * * *'
            else format('0 0 */%s * *', least(m / 1440, 31))
        end
    from (select greatest(extract(epoch from every)::bigint / 60, 1) as m) as minutes
$$;

create or replace function app.schedules_use_cron()
returns boolean
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select exists (select from pg_catalog.pg_extension where extname = 'pg_cron')
$$;

-- One cron job per schedule, each calling app.run_schedule; cron jobs of
-- schedules that no longer exist are removed. A no-op without pg_cron.
create or replace function app.sync_cron_schedules()
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    schedule record;
    synced integer := 0;
begin
    if not app.schedules_use_cron() then
        return 0;
    end if;
    for schedule in select s.name, s.every from app_private.schedules as s order by s.name loop
        -- Reschedules in place when the name exists (pg_cron 1.3+).
        execute 'select cron.schedule($1, $2, $3)'
        using
            'schedule:' || schedule.name,
            app.cron_expression(schedule.every),
            format('select app.run_schedule(%L)', schedule.name);
        synced := synced + 1;
    end loop;
    execute $sql$
        select cron.unschedule(j.jobid)
        from cron.job as j
        where j.jobname like 'schedule:%'
            and not exists (
                select from app_private.schedules as s
                where 'schedule:' || s.name = j.jobname
            )
    $sql$;
    return synced;
end;
$$;

-- pg_cron, when the server preloads it for this database (and the role may
-- create it: it is not a trusted extension).
do $$
begin
    if exists (select from pg_catalog.pg_available_extensions where name = 'pg_cron')
        and current_setting('cron.database_name', true) = current_database()
        and (
            exists (select from pg_catalog.pg_extension where extname = 'pg_cron')
            or (select r.rolsuper from pg_catalog.pg_roles as r where r.rolname = current_user)
        )
    then
        create extension if not exists pg_cron;
        perform app.sync_cron_schedules();
    end if;
end;
$$;

revoke execute on function app.run_schedule(text) from public;
revoke execute on function app.enqueue_due_schedules() from public;
revoke execute on function app.sync_cron_schedules() from public;

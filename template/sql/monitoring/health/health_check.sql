-- Health checks, for a load balancer or an orchestrator (api_v1.health()).
--
--   app.liveness() -> jsonb    {status, checks}: the server answers (check: database)
--   app.readiness() -> jsonb   {status, checks}, checks: migrations, queue,
--                              outbox, replication, each {status, ...details}
--   app.expected_migrations() -> version   every migration this code needs
--   app.health_seconds(key, fallback) -> numeric   a threshold setting
--
-- status is "ok" or "fail"; readiness fails when any check fails:
--   migrations    a version of app.expected_migrations() is missing from
--                 dbmate's public.schema_migrations
--   queue         the oldest job due and not taken has waited longer than
--                 health_queue_stall_seconds (default 300): no worker is running
--   outbox        the same for the outbox: health_outbox_stall_seconds (300)
--   replication   this server is a standby replaying more than
--                 health_replication_lag_seconds (60) behind, or a connected
--                 standby's replay lag is above it

-- The one list of migrations (core/database/migrations). Add a line with
-- each new migration: a server without it is not ready for this code.
create or replace function app.expected_migrations()
returns table (version text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    values
    ('20260101000000'),
    ('20260301000000'),
    ('20260302000000'),
    ('20260303000000'),
    ('20260304000000'),
    ('20260305000000')
$$;

-- A threshold in seconds from the settings; a setting that is not a number
-- is ignored rather than breaking the check.
create or replace function app.health_seconds(key text, fallback numeric)
returns numeric
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select case
        when found.value ~ '^[0-9]+([.][0-9]+)?$' then found.value::numeric
        else fallback
    end
    from (select app.setting(key) as value) as found
$$;

create or replace function app.liveness()
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object('status', 'ok', 'checks', jsonb_build_object('database', 'ok'))
$$;

create or replace function app.health_migrations()
returns jsonb
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    missing text [];
begin
    if to_regclass('public.schema_migrations') is null then
        select array_agg(e.version order by e.version) into missing
        from app.expected_migrations() as e;
    else
        select array_agg(e.version order by e.version) into missing
        from app.expected_migrations() as e
        where not exists (
            select from public.schema_migrations as m
            where m.version = e.version
        );
    end if;
    return jsonb_build_object(
        'status', case when missing is null then 'ok' else 'fail' end,
        'missing', to_jsonb(coalesce(missing, '{}'))
    );
end;
$$;

create or replace function app.health_queue()
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'status', case when waited.seconds > limits.seconds then 'fail' else 'ok' end,
        'oldest_available_seconds', waited.seconds,
        'stall_seconds', limits.seconds
    )
    from
        (
            select coalesce(round(extract(epoch from now() - min(j.run_at)), 3), 0) as seconds
            from app_private.jobs as j
            where j.status = 'queued' and j.locked_at is null and j.run_at <= now()
        ) as waited,
        (select app.health_seconds('health_queue_stall_seconds', 300) as seconds) as limits
$$;

create or replace function app.health_outbox()
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'status', case when waited.seconds > limits.seconds then 'fail' else 'ok' end,
        'oldest_pending_seconds', waited.seconds,
        'stall_seconds', limits.seconds
    )
    from
        (
            select coalesce(round(extract(epoch from now() - min(o.available_at)), 3), 0)
                as seconds
            from app_private.outbox as o
            where o.status = 'pending' and o.locked_at is null and o.available_at <= now()
        ) as waited,
        (select app.health_seconds('health_outbox_stall_seconds', 300) as seconds) as limits
$$;

-- The verdict on a replication lag: above health_replication_lag_seconds fails.
create or replace function app.health_replication_verdict(
    server_role text, standbys integer, lag_seconds numeric
) returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'status', case when lag_seconds > limits.seconds then 'fail' else 'ok' end,
        'role', server_role,
        'standbys', standbys,
        'lag_seconds', lag_seconds,
        'max_lag_seconds', limits.seconds
    )
    from (select app.health_seconds('health_replication_lag_seconds', 60) as seconds) as limits
$$;

-- On a standby: how far replay is behind (zero when it has replayed all it
-- received: an idle primary sends nothing new). On a primary: the largest
-- replay lag among the connected standbys (none connected: zero). Reading
-- replay_lag takes pg_read_all_stats (or a superuser) as the owner.
create or replace function app.health_replication()
returns jsonb
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    lag_seconds numeric := 0;
    standbys integer := 0;
begin
    if pg_is_in_recovery() then
        if pg_last_wal_receive_lsn() is distinct from pg_last_wal_replay_lsn() then
            lag_seconds := coalesce(
                round(extract(epoch from now() - pg_last_xact_replay_timestamp()), 3), 0
            );
        end if;
        return app.health_replication_verdict('standby', 0, lag_seconds);
    end if;
    select
        count(*),
        coalesce(round(max(extract(epoch from r.replay_lag)), 3), 0)
    into standbys, lag_seconds
    from pg_stat_replication as r;
    return app.health_replication_verdict('primary', standbys, lag_seconds);
end;
$$;

-- Runs as the owner: the checks read app_private and the server's statistics.
create or replace function app.readiness()
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'status',
        case
            when bool_and(c.value ->> 'status' = 'ok') then 'ok' else 'fail'
        end,
        'checks', jsonb_object_agg(c.key, c.value)
    )
    from jsonb_each(jsonb_build_object(
        'migrations', app.health_migrations(),
        'queue', app.health_queue(),
        'outbox', app.health_outbox(),
        'replication', app.health_replication()
    )) as c
$$;

revoke execute on function app.health_migrations() from public;
revoke execute on function app.health_queue() from public;
revoke execute on function app.health_outbox() from public;
revoke execute on function app.health_replication() from public;
revoke execute on function app.readiness() from public;

-- Rate limiting: calls per action and subject in a window
-- (app_private.rate_limit_counters).
--
--   app.rate_limit(action, subject)
--       counts the call; over the action's limit raises UA020, with the
--       seconds to wait in the detail ("retry after N seconds")

create or replace function app.rate_limit_policy(action text)
returns table (max_calls integer, window_seconds integer)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select
        coalesce(app.setting('rate_limit_' || action || '_calls'), d.calls)::integer,
        coalesce(app.setting('rate_limit_' || action || '_seconds'), d.seconds)::integer
    from (
        values
        ('login', '10', '60'),
        ('register', '5', '60'),
        ('place_order', '30', '60')
    ) as d (name, calls, seconds)
    where d.name = rate_limit_policy.action
$$;

create or replace function app.rate_limit(action text, subject text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    policy record;
    started timestamptz;
    counted integer;
begin
    select p.max_calls, p.window_seconds into policy
    from app.rate_limit_policy(action) as p;
    if policy.max_calls is null then
        raise exception 'no rate limit policy for %', action;
    end if;
    started := to_timestamp(
        floor(extract(epoch from now()) / policy.window_seconds) * policy.window_seconds
    );
    insert into app_private.rate_limit_counters as c (action, subject, window_start, calls)
    values (rate_limit.action, rate_limit.subject, started, 1)
    on conflict (action, subject, window_start)
    do update set calls = c.calls + 1
    returning c.calls into counted;
    if counted > policy.max_calls then
        perform app.raise_error(
            'UA020',
            format(
                'retry after %s seconds',
                ceil(extract(epoch from started + make_interval(secs => policy.window_seconds) - now()))
            )
        );
    end if;
end;
$$;

revoke execute on function app.rate_limit(text, text) from public;

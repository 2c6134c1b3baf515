-- Logging: one JSON object per event in the server log.
-- Levels: debug, info, warning. Events at info go to the server log only
-- (raise log), so clients do not see them.

create or replace function app.log(
    level text,
    event text,
    context jsonb default '{}'
) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    line text := (
        jsonb_build_object('level', level, 'event', event, 'at', now())
        || coalesce(context, '{}')
    )::text;
begin
    case lower(level)
        when 'debug' then raise debug '%', line;
        when 'warning' then raise warning '%', line;
        else raise log '%', line;
    end case;
end;
$$;

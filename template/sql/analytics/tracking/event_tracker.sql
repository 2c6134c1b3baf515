-- Event tracking: records analytics events (app_private.analytics_events).
--
--   app.track_event(name, properties, user_id) -> the event's id
--       name must be a known event (analytics/events/), with its properties
--
-- Runs as the owner of the tables (security definer): the API role tracks
-- without any right on the table.

create or replace function app.track_event(
    name text,
    properties jsonb default '{}',
    user_id bigint default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    new_id bigint;
begin
    insert into app_private.analytics_events as e (name, user_id, properties, trace_id)
    values (
        track_event.name, track_event.user_id, coalesce(track_event.properties, '{}'),
        app.trace_id()
    )
    returning e.id into new_id;
    return new_id;
end;
$$;

revoke execute on function app.track_event(text, jsonb, bigint) from public;

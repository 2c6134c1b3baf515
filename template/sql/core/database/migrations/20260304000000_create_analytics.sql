-- migrate:up
set lock_timeout = '5s';
set statement_timeout = '60s';

-- Analytics events (analytics/): typed by name (analytics/events/), recorded
-- by triggers and api_v1 calls (analytics/tracking/), read by reports
-- (analytics/reporting/).
create table if not exists app_private.analytics_events (
    id bigint generated always as identity primary key,
    -- A name of app.event_catalog() (analytics/events/): checked by the tracker.
    name text not null, -- noqa: RF04
    user_id bigint references app_private.users (id) on delete set null,
    properties jsonb not null default '{}',
    trace_id text,
    occurred_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index if not exists analytics_events_name_time
on app_private.analytics_events (name, occurred_at);
create index if not exists analytics_events_user_id
on app_private.analytics_events (user_id);
-- Everything that happened in one trace (one call, followed through the queue
-- and the outbox).
create index if not exists analytics_events_trace_id
on app_private.analytics_events (trace_id);

-- migrate:down
set lock_timeout = '5s';
-- squawk-ignore ban-drop-table
drop table if exists app_private.analytics_events;

-- migrate:up
set lock_timeout = '5s';
set statement_timeout = '60s';

-- The audit log (enterprise/audit/): append-only, written by triggers on
-- every table that holds user data and by security decisions.
create table if not exists app_private.audit_log (
    id bigint generated always as identity primary key,
    table_name text not null,
    -- The row's primary key, as text.
    row_id text,
    -- insert, update, delete, or decision (a security decision, not a row change).
    operation text not null,  -- noqa: RF04
    old_row jsonb,
    new_row jsonb,
    actor_id bigint,
    actor_role text,
    trace_id text,
    occurred_at timestamptz not null default now(),
    constraint audit_log_operation_known check (
        operation in ('insert', 'update', 'delete', 'decision')
    )
);

create index if not exists audit_log_row on app_private.audit_log (table_name, row_id);
create index if not exists audit_log_actor on app_private.audit_log (actor_id);
-- One trace id follows an order through every change it makes.
create index if not exists audit_log_trace on app_private.audit_log (trace_id);

-- Rate limiting (enterprise/security/rate_limiting.sql): calls per action,
-- subject (an account or a source) and window.
create table if not exists app_private.rate_limit_counters (
    action text not null,  -- noqa: RF04
    subject text not null,
    window_start timestamptz not null,
    calls bigint not null default 0,
    primary key (action, subject, window_start)
);

-- Threat detection (enterprise/security/threat_detection.sql).
create table if not exists app_private.login_attempts (
    id bigint generated always as identity primary key,
    email text not null,
    source text not null,  -- noqa: RF04
    succeeded boolean not null,
    -- The account was locked: refused whatever the password, and not counted
    -- towards the next lockout.
    locked boolean not null default false,  -- noqa: RF04
    attempted_at timestamptz not null default now()
);

create index if not exists login_attempts_email
on app_private.login_attempts (email, attempted_at);
create index if not exists login_attempts_source
on app_private.login_attempts (source, attempted_at);

-- An account locked after repeated failures; each lockout doubles the next.
create table if not exists app_private.account_lockouts (
    email text primary key,
    -- When the latest lockout began: failures before it are already paid for.
    locked_at timestamptz not null default now(),
    locked_until timestamptz not null,
    lockouts bigint not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- A source (an address) seen failing across many accounts.
create table if not exists app_private.flagged_sources (
    source text primary key,  -- noqa: RF04
    reason text not null,
    flagged_until timestamptz not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- migrate:down
set lock_timeout = '5s';
-- squawk-ignore ban-drop-table
drop table if exists app_private.flagged_sources;
-- squawk-ignore ban-drop-table
drop table if exists app_private.account_lockouts;
-- squawk-ignore ban-drop-table
drop table if exists app_private.login_attempts;
-- squawk-ignore ban-drop-table
drop table if exists app_private.rate_limit_counters;
-- squawk-ignore ban-drop-table
drop table if exists app_private.audit_log;

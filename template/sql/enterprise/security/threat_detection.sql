-- Threat detection: failed logins per account and per source.
--
--   app.login_locked(email) -> boolean
--       the account is locked now
--   app.record_login_attempt(email, source, succeeded, locked)
--       records the attempt in its own transaction (it survives the failing
--       login), then decides:
--         - a success clears the account's lockout (failures and back-off)
--         - login_lockout_failures failures (default 5) within
--           login_lockout_window_seconds (900) lock the account for
--           login_lockout_seconds (60), doubled at each further lockout, at most
--           login_lockout_max_seconds (86400); failures before the latest
--           lockout began, and attempts while locked, do not count again
--         - one source failing on login_flag_accounts accounts (10) within
--           login_flag_window_seconds (600) is flagged for
--           login_flag_seconds (3600): recorded for the operators
--       each decision is audited (operation 'decision').
--   app.prune_login_attempts(older_than) -> integer
--
-- app.login (services/auth.sql) answers a locked account exactly as a wrong
-- password (UA004), after the same password check, even when the password is
-- right.

create or replace function app.login_locked(email text)
returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select exists (
        select from app_private.account_lockouts as l
        where l.email = login_locked.email and l.locked_until > clock_timestamp()
    )
$$;

revoke execute on function app.login_locked(text) from public;

create or replace function app.threat_setting(key text, fallback integer)
returns integer
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(app.setting(key), fallback::text)::integer
$$;

-- Runs in the autonomous transaction (app.record_login_attempt).
create or replace function app.login_attempt_decide(
    email text,
    source text,
    succeeded boolean,
    locked boolean,
    trace_id text
) returns jsonb
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    lockout app_private.account_lockouts;
    failures integer;
    accounts integer;
    lock_for integer;
    decisions jsonb := '[]';
begin
    perform app.resume_trace(trace_id);
    -- One decision at a time per account.
    perform pg_advisory_xact_lock(hashtextextended('login:' || email, 0));
    insert into app_private.login_attempts (email, source, succeeded, locked)
    values (
        login_attempt_decide.email, login_attempt_decide.source,
        login_attempt_decide.succeeded, login_attempt_decide.locked
    );
    if succeeded then
        delete from app_private.account_lockouts as l where l.email = login_attempt_decide.email;
        return jsonb_build_object('decisions', decisions);
    end if;

    if not locked then
        select l.* into lockout
        from app_private.account_lockouts as l
        where l.email = login_attempt_decide.email;
        select count(*) into failures
        from app_private.login_attempts as a
        where a.email = login_attempt_decide.email
            and not a.succeeded
            and not a.locked
            and a.attempted_at > now() - make_interval(
                secs => app.threat_setting('login_lockout_window_seconds', 900)
            )
            and a.attempted_at > coalesce(lockout.locked_at, '-infinity')
            and a.attempted_at > coalesce((
                select max(s.attempted_at) from app_private.login_attempts as s
                where s.email = login_attempt_decide.email and s.succeeded
            ), '-infinity');
        if failures >= app.threat_setting('login_lockout_failures', 5) then
            lock_for := least(
                app.threat_setting('login_lockout_seconds', 60)::bigint
                * power(2, coalesce(lockout.lockouts, 0))::bigint,
                app.threat_setting('login_lockout_max_seconds', 86400)
            );
            insert into app_private.account_lockouts as l (email, locked_at, locked_until, lockouts)
            values (login_attempt_decide.email, now(), now() + make_interval(secs => lock_for), 1)
            on conflict on constraint account_lockouts_pkey do update set
                locked_at = excluded.locked_at,
                locked_until = excluded.locked_until,
                lockouts = l.lockouts + 1,
                updated_at = now()
            returning l.* into lockout;
            perform app.audit_decision(
                'account_lockouts', login_attempt_decide.email, jsonb_build_object(
                    'decision', 'lockout',
                    'email', login_attempt_decide.email,
                    'source', login_attempt_decide.source,
                    'failures', failures,
                    'lockouts', lockout.lockouts,
                    'locked_seconds', lock_for,
                    'locked_until', lockout.locked_until
                )
            );
            decisions := decisions || jsonb_build_array('lockout');
        end if;
    end if;

    select count(distinct a.email) into accounts
    from app_private.login_attempts as a
    where a.source = login_attempt_decide.source
        and not a.succeeded
        and a.attempted_at > now() - make_interval(
            secs => app.threat_setting('login_flag_window_seconds', 600)
        );
    if accounts >= app.threat_setting('login_flag_accounts', 10)
        and not exists (
            select from app_private.flagged_sources as f
            where f.source = login_attempt_decide.source and f.flagged_until > now()
        ) then
        insert into app_private.flagged_sources as f (source, reason, flagged_until)
        values (
            login_attempt_decide.source,
            format('failed logins on %s accounts', accounts),
            now() + make_interval(secs => app.threat_setting('login_flag_seconds', 3600))
        )
        on conflict on constraint flagged_sources_pkey do update set
            reason = excluded.reason,
            flagged_until = excluded.flagged_until,
            updated_at = now();
        perform app.audit_decision(
            'flagged_sources', login_attempt_decide.source, jsonb_build_object(
                'decision', 'flag_source',
                'source', login_attempt_decide.source,
                'accounts', accounts
            )
        );
        decisions := decisions || jsonb_build_array('flag_source');
    end if;
    return jsonb_build_object('decisions', decisions);
end;
$$;

revoke execute on function app.login_attempt_decide(text, text, boolean, boolean, text)
from public;

create or replace function app.record_login_attempt(
    email text,
    source text,
    succeeded boolean,
    locked boolean default false
) returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return app.autonomous(format(
        'select app.login_attempt_decide(%L, %L, %L, %L, %L)',
        email, source, succeeded, locked, app.trace_id()
    ));
end;
$$;

revoke execute on function app.record_login_attempt(text, text, boolean, boolean) from public;

create or replace function app.prune_login_attempts(older_than interval default '30 days')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    pruned integer;
begin
    delete from app_private.login_attempts as a where a.attempted_at < now() - older_than;
    get diagnostics pruned = row_count;
    delete from app_private.account_lockouts as l where l.locked_until < now() - older_than;
    delete from app_private.flagged_sources as f where f.flagged_until < now() - older_than;
    return pruned;
end;
$$;

revoke execute on function app.prune_login_attempts(interval) from public;

alter table app_private.login_attempts enable row level security;
alter table app_private.account_lockouts enable row level security;
alter table app_private.flagged_sources enable row level security;

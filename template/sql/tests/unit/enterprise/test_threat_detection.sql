-- Unit: failed logins lock an account with back-off; a success clears it;
-- one source failing on many accounts is flagged; each decision is audited;
-- the records outlive the failing call.
begin;
select plan(14);

select md5(random()::text) as run \gset
select 'victim-' || :'run' || '@example.com' as email \gset
select 'source-' || :'run' as src \gset

create function pg_temp.fail(email text, source text, times integer)
returns void
language sql
as $$
    select app.record_login_attempt(email, source, false, app.login_locked(email))
    from generate_series(1, times)
$$;

select pg_temp.fail(:'email', :'src', 4);
select ok(not app.login_locked(:'email'), 'four failures do not lock');
select pg_temp.fail(:'email', :'src', 1);
select ok(app.login_locked(:'email'), 'the fifth failure locks the account');
select is(
    (
        select array[lockouts::integer, extract(epoch from locked_until - locked_at)::integer]
        from app_private.account_lockouts
        where email = :'email'
    ),
    array[1, 60],
    'the first lockout lasts a minute'
);
select is(
    (
        select new_row ->> 'decision' from app_private.audit_log
        where table_name = 'account_lockouts' and row_id = :'email' and operation = 'decision'
    ),
    'lockout',
    'the lockout is audited as a decision'
);

-- Attempts while locked are recorded, and do not count towards the next lockout.
select pg_temp.fail(:'email', :'src', 6);
select is(
    (
        select count(*)::integer from app_private.login_attempts
        where email = :'email' and locked
    ),
    6,
    'attempts while locked are recorded as such'
);
select is(
    (
        select lockouts::integer from app_private.account_lockouts
        where email = :'email'
    ),
    1,
    'attempts while locked do not lock again'
);

-- The lock runs out (aged through the autonomous connection, which wrote it).
select app.autonomous(format(
    $$with aged as (
        update app_private.account_lockouts set locked_until = now() - interval '1 second'
        where email = %L returning 1
    ) select to_jsonb(count(*)) from aged$$,
    :'email'
));
select ok(not app.login_locked(:'email'), 'the lock runs out');
select pg_temp.fail(:'email', :'src', 4);
select ok(not app.login_locked(:'email'), 'failures before the lockout are not counted again');
select pg_temp.fail(:'email', :'src', 1);
select is(
    (
        select array[lockouts::integer, extract(epoch from locked_until - locked_at)::integer]
        from app_private.account_lockouts
        where email = :'email'
    ),
    array[2, 120],
    'the next lockout lasts twice as long'
);

-- A success clears the failures and the back-off.
select app.record_login_attempt(:'email', :'src', true);
select ok(
    not exists (
        select from app_private.account_lockouts
        where email = :'email'
    ),
    'a success clears the lockout'
);
select pg_temp.fail(:'email', :'src', 4);
select ok(not app.login_locked(:'email'), 'after a success, four failures do not lock');

-- One source failing on ten accounts within ten minutes is flagged.
select pg_temp.fail('spray-' || n || '-' || :'run' || '@example.com', :'src' || '-spray', 1)
from generate_series(1, 9) as n;
select ok(
    not exists (
        select from app_private.flagged_sources
        where source = :'src' || '-spray'
    ),
    'nine accounts do not flag a source'
);
select pg_temp.fail('spray-10-' || :'run' || '@example.com', :'src' || '-spray', 1);
select ok(
    exists (
        select from app_private.flagged_sources
        where source = :'src' || '-spray' and flagged_until > now()
    ),
    'the tenth account flags the source'
);
select is(
    (
        select (new_row ->> 'decision') || ':' || (new_row ->> 'accounts')
        from app_private.audit_log
        where table_name = 'flagged_sources' and row_id = :'src' || '-spray'
    ),
    'flag_source:10',
    'the flag is audited as a decision'
);

select finish();
rollback;

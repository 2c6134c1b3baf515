-- Integration: schemas, grants, row-level security, search_path pinning.
begin;
select plan(17);

select has_table('app_private', 'users', 'users live in app_private');
select has_table('app_private', 'settings', 'settings live in app_private');
select ok(
    (
        select relrowsecurity from pg_class
        where oid = 'app_private.users'::regclass
    ),
    'row-level security is on for users'
);

-- Client roles reach api_v1 only.
select
    ok(
        not has_schema_privilege('app_anon', 'app_private', 'usage'),
        'app_anon cannot use app_private'
    );
select
    ok(
        not has_schema_privilege('app_user', 'app_private', 'usage'),
        'app_user cannot use app_private'
    );
select ok(not has_schema_privilege('app_user', 'app', 'usage'), 'app_user cannot use app');
select
    ok(
        not has_table_privilege('app_user', 'app_private.users', 'select'),
        'app_user has no select on users'
    );
select ok(has_schema_privilege('app_anon', 'api_v1', 'usage'), 'app_anon can use api_v1');

set local role app_user;
select throws_ok(
    'select * from app_private.users', '42501', null,
    'a client role cannot read the users table'
);
select throws_ok(
    'select * from app_private.settings', '42501', null,
    'a client role cannot read the settings (the JWT secret)'
);
select throws_ok(
    $$select app.setting('jwt_secret')$$, '42501', null,
    'a client role cannot call internal functions'
);
reset role;

set local role app_anon;
select throws_ok('select api_v1.me()', '42501', null, 'app_anon cannot call api_v1.me');
reset role;

-- Every security definer function pins its search_path.
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_proc as p
    join pg_namespace as n on n.oid = p.pronamespace
    where p.prosecdef
      and n.nspname in ('app', 'api_v1', 'app_private')
      and not exists (
          select from unnest(p.proconfig) as c where c like 'search_path=%'
      )
    $$,
    'every security definer function sets search_path'
);
select ok(
    (
        select count(*) from pg_proc as p inner join pg_namespace as n on p.pronamespace = n.oid
        where p.prosecdef and n.nspname in ('app', 'api_v1')
    ) >= 5,
    'the security definer functions are there to be checked'
);

-- No api_v1 function is executable by PUBLIC.
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_proc as p
    join pg_namespace as n on n.oid = p.pronamespace
    where n.nspname = 'api_v1'
      and has_function_privilege('public', p.oid, 'execute')
    $$,
    'api_v1 functions are granted to named roles only'
);

-- The functions that act for a caller belong to app_api, which is subject to RLS.
select is(
    (
        select pg_get_userbyid(proowner)::text from pg_proc
        where oid = 'api_v1.me()'::regprocedure
    ),
    'app_api',
    'api_v1.me runs as app_api'
);
select ok(
    (
        select not rolbypassrls and not rolsuper and not rolcanlogin from pg_roles
        where rolname = 'app_api'
    ),
    'app_api cannot bypass row-level security nor log in'
);

select finish();
rollback;

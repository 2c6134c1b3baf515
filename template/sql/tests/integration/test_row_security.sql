-- Integration: row-level security as the API applies it (role app_api).
begin;
select plan(6);

select app.set_setting('jwt_secret', repeat('k', 40));
select app.register_user('ann@example.com', 'correct horse');
select app.register_user('bob@example.com', 'correct horse');
select app.register_user('root@example.com', 'correct horse', 'Root', 'admin');

-- Ann's token: she sees and changes only her row.
select set_config('request.jwt.token', app.login('ann@example.com', 'correct horse'), true);
set local role app_api;
select results_eq(
    'select email from app_private.users order by id',
    array['ann@example.com'],
    'a user sees only their own row'
);
select is_empty(
    $$update app_private.users set full_name = 'hacked'
      where email = 'bob@example.com' returning id$$,
    'a user cannot change another row'
);
reset role;

-- The admin's token: every row.
select set_config('request.jwt.token', app.login('root@example.com', 'correct horse'), true);
set local role app_api;
select results_eq(
    'select count(*)::int from app_private.users',
    array[3],
    'an admin sees every row'
);
reset role;

-- No token: nothing.
select set_config('request.jwt.token', '', true);
set local role app_api;
select is_empty('select * from app_private.users', 'no token, no rows');
reset role;

-- A token signed with another secret is refused, not trusted.
select set_config(
    'request.jwt.token',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.'
    || app.base64url_encode(convert_to('{"sub": "1", "role": "admin", "exp": 4102444800}', 'utf8'))
    || '.' || app.base64url_encode(extensions.hmac('x', 'guessed secret', 'sha256')),
    true
);
set local role app_api;
select throws_ok('select * from app_private.users', 'UA005', null, 'a forged token is refused');
reset role;

select is(
    (
        select count(*)::int from app_private.users
        where full_name = 'hacked'
    ), 0,
    'nothing was changed behind the policy'
);

select finish();
rollback;

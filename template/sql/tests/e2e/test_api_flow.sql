-- End to end, through api_v1 only, as the client roles: register, log in,
-- authenticate with the token, read one's own row, admin-only listing.
begin;
select plan(16);

select app.set_setting('jwt_secret', repeat('k', 40));
select app.register_user('root@example.com', 'correct horse', 'Root', 'admin');

set local role app_anon;
select is(
    (api_v1.register('Ann@Example.com', 'correct horse', 'Ann')).email,
    'ann@example.com',
    'register returns the profile'
);
select lives_ok(
    $$select api_v1.register('bob@example.com', 'correct horse', 'Bob')$$,
    'a second user registers'
);
select throws_ok(
    $$select api_v1.register('ANN@example.com', 'correct horse')$$,
    'UA002', 'email is already registered', 'a duplicate email is a business error'
);
select throws_ok(
    $$select api_v1.login('ann@example.com', 'wrong horse')$$,
    'UA004', 'invalid email or password', 'a wrong password is refused'
);
select throws_ok(
    $$select api_v1.login('nobody@example.com', 'correct horse')$$,
    'UA004', 'invalid email or password', 'an unknown email gets the same answer'
);
select matches(
    api_v1.login('ann@example.com', 'correct horse'),
    '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$',
    'login returns a JWT'
);
select throws_ok('select * from api_v1.users', '42501', null, 'app_anon cannot read users');
select is(
    (
        select code from api_v1.errors
        where name = 'email_taken'
    ), 'UA002',
    'clients can read the error codes'
);
reset role;

-- Ann logs in and uses her token.
set local role app_user;
select is(
    (api_v1.authenticate(api_v1.login('ann@example.com', 'correct horse'))).email,
    'ann@example.com',
    'authenticate returns the caller'
);
select is((api_v1.me()).full_name, 'Ann', 'me() returns the caller');
select results_eq(
    'select email from api_v1.users',
    array['ann@example.com'],
    'api_v1.users shows only the caller''s row'
);
select is(
    (api_v1.update_me(full_name => 'Ann Smith')).full_name, 'Ann Smith',
    'update_me changes the caller''s row'
);
select throws_ok(
    'select * from api_v1.list_users()', 'UA008', 'admin role required',
    'listing users is for admins'
);

-- The admin lists everyone.
select api_v1.authenticate(api_v1.login('root@example.com', 'correct horse'));
select results_eq(
    'select email from api_v1.list_users(10, 0)',
    array['root@example.com', 'ann@example.com', 'bob@example.com'],
    'an admin lists every user'
);

-- After logout, nobody is identified.
select api_v1.logout();
select throws_ok('select api_v1.me()', 'UA007', 'authentication required', 'me() needs a token');
select throws_ok(
    $$select api_v1.authenticate('a.b.c')$$, 'UA005', 'token is invalid', 'a bad token is refused'
);
reset role;

select finish();
rollback;

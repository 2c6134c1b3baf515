-- Integration: the user service, repository and tables together.
begin;
select plan(23);

select app.set_setting('jwt_secret', repeat('k', 40));

select is(
    (app.register_user('  Ann@Example.COM ', 'correct horse', 'Ann')).email,
    'ann@example.com',
    'registration trims and lower-cases the email'
);
select isnt(
    (
        select password_hash from app_private.users
        where email = 'ann@example.com'
    ),
    'correct horse',
    'the password is not stored as given'
);
select ok(
    (
        select created_at = now() and updated_at = now() from app_private.users
        where email = 'ann@example.com'
    ),
    'timestamps are set by the database'
);
select throws_ok(
    $$select app.register_user('ANN@example.com', 'another password')$$,
    'UA002', 'email is already registered', 'the same email in another case is refused'
);
select throws_ok(
    $$select app.register_user('ann.example.com', 'correct horse')$$,
    'UA001', 'email is not a valid email address', 'a malformed email is refused'
);
select throws_ok(
    $$select app.register_user(null, 'correct horse')$$,
    'UA001', null, 'a missing email is refused'
);
select throws_ok(
    $$select app.register_user('ann@example', 'correct horse')$$,
    'UA001', null, 'the domain of an email needs a dot'
);
select throws_ok(
    $$select app.register_user('ann@bob@example.com', 'correct horse')$$,
    'UA001', null, 'an email has one @ only'
);
select throws_ok(
    $$select app.register_user('ann smith@example.com', 'correct horse')$$,
    'UA001', null, 'an email has no spaces'
);
select throws_ok(
    $$select app.register_user('bob@example.com', 'correct horse', '', 'root')$$,
    'UA011', 'role is not a known role', 'registering with an unknown role is refused'
);
select lives_ok(
    $$select app.register_user('cy@example.com', 'correct horse', repeat('x', 200))$$,
    'a full name at the limit is accepted'
);
select throws_ok(
    $$select app.register_user('bob@example.com', 'short')$$,
    'UA003', 'password must be 8 to 72 characters', 'a short password is refused'
);
select throws_ok(
    $$select app.register_user('bob@example.com', 'correct horse', repeat('x', 201))$$,
    'UA012', null, 'a long full name is refused'
);
select throws_ok(
    $$insert into app_private.users (email, password_hash) values ('Not Lower@x.com', 'x')$$,
    '23514', null, 'the table itself refuses a malformed email'
);

-- Email change needs the current password.
select throws_ok(
    $$select app.update_profile(
        (select id from app_private.users where email = 'ann@example.com'), 'anne@example.com'
    )$$,
    'UA010', null, 'changing the email without the password is refused'
);
select throws_ok(
    $$select app.update_profile((select id from app_private.users where email = 'ann@example.com'),
        'anne@example.com', null, 'wrong password')$$,
    'UA004', null, 'changing the email with a wrong password is refused'
);
select is(
    (app.update_profile(
        (
            select id from app_private.users
            where email = 'ann@example.com'
        ),
        'Anne@Example.com', 'Anne', 'correct horse'
    )).email,
    'anne@example.com',
    'changing the email with the password works'
);
select is(
    (
        app.update_profile((
            select id from app_private.users
            where email = 'anne@example.com'
        ), null, 'A.')
    ).full_name,
    'A.',
    'changing the name alone needs no password'
);
select throws_ok(
    $$select app.update_profile(-1, null, 'x')$$,
    'UA009',
    'user not found',
    'an unknown user is reported'
);
select throws_ok(
    $$select app.change_role(
        (select id from app_private.users where email = 'anne@example.com'), 'root'
    )$$,
    'UA011', null, 'unknown roles are refused'
);
select throws_ok(
    $$select app.update_profile(
        (select id from app_private.users where email = 'anne@example.com'),
        'anne@example', null, 'correct horse'
    )$$,
    'UA001', null, 'changing to a malformed email is refused'
);

-- Each rule the service leaves to a constraint maps to a business error, and the
-- constraint is there: renaming one without its mapping fails here.
select set_eq(
    $$select constraint_name from app.constraint_errors() where constraint_name like 'users\_%'$$,
    $$select conname::text from pg_constraint
      where conrelid = 'app_private.users'::regclass and contype = 'c'$$,
    'every check constraint of users has its business error'
);
select is_empty(
    $$select code from app.constraint_errors()
      except select code from app.error_catalog()$$,
    'the business errors of constraints are in the catalog'
);

select finish();
rollback;

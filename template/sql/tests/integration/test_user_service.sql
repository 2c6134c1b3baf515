-- Integration: the user service, repository and tables together.
begin;
select plan(15);

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

select finish();
rollback;

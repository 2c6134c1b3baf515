-- Unit: helpers, errors, settings, passwords (core/utils, core/errors,
-- core/config, core/security/password.sql, repositories/base.sql).
begin;
select plan(14);

select is(app.base64url_encode('\xfbff'::bytea), '-_8', 'base64url uses - and _ without padding');
select is(app.base64url_decode('-_8'), '\xfbff'::bytea, 'base64url decodes without padding');
select is(
    convert_from(app.base64url_decode(app.base64url_encode(convert_to('{"a":1}', 'utf8'))), 'utf8'),
    '{"a":1}',
    'base64url round trip'
);

select
    is(
        app.normalize_email('  Ann@Example.COM '),
        'ann@example.com',
        'emails are trimmed and lower-cased'
    );

select is(app.page_limit(null), 20, 'page size defaults to 20');
select is(app.page_limit(1000), 100, 'page size is at most 100');
select is(app.page_offset(-5), 0, 'offset is never negative');

select throws_ok(
    $$select app.raise_error('UA002')$$, 'UA002', 'email is already registered',
    'a business error carries its SQLSTATE and message'
);
select throws_ok(
    $$select app.raise_error('XX999')$$, 'P0001', 'unknown business error code XX999',
    'an unknown code is a bug, not a business error'
);
select is(
    (select count(distinct code)::int from app.error_catalog()),
    (select count(*)::int from app.error_catalog()),
    'error codes are unique'
);

select throws_ok(
    $$select app.set_setting('jwt_secret', 'short')$$, 'UA014', null,
    'a short JWT secret is refused'
);
delete from app_private.settings
where key = 'jwt_secret';
select throws_ok(
    $$select app.require_setting('jwt_secret')$$, 'UA013', null,
    'a missing setting is reported'
);

select matches(app.hash_password('correct horse'), '^\$2a\$', 'passwords are hashed with bcrypt');
select ok(
    app.check_password('correct horse', app.hash_password('correct horse'))
    and not app.check_password('wrong horse', app.hash_password('correct horse')),
    'check_password accepts the right password only'
);

select finish();
rollback;

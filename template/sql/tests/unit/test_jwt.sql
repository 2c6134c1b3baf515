-- Unit: JWT sign and verify (core/security/jwt.sql).
begin;
select plan(8);

select app.set_setting('jwt_secret', repeat('k', 40));

select is(
    app.jwt_verify(app.jwt_sign('{"sub": "1", "exp": 4102444800}')) ->> 'sub', '1',
    'a signed token verifies and gives its claims back'
);
select is(
    split_part(app.jwt_sign('{"exp": 4102444800}'), '.', 1),
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    'the header says HS256'
);
select is(
    split_part(app.jwt_sign('{"sub": "1", "exp": 4102444800}'), '.', 3),
    app.base64url_encode(extensions.hmac(
        split_part(app.jwt_sign('{"sub": "1", "exp": 4102444800}'), '.', 1) || '.'
        || split_part(app.jwt_sign('{"sub": "1", "exp": 4102444800}'), '.', 2),
        repeat('k', 40), 'sha256'
    )),
    'the signature is HMAC-SHA256 of header.payload with the secret'
);
select throws_ok(
    format(
        'select app.jwt_verify(%L)',
        app.jwt_sign('{"sub": "1", "exp": 4102444800}') || 'x'
    ),
    'UA005', 'token is invalid', 'a tampered signature is refused'
);
select throws_ok(
    format(
        'select app.jwt_verify(%L)',
        split_part(app.jwt_sign('{"sub": "1", "exp": 4102444800}'), '.', 1) || '.'
        || app.base64url_encode(convert_to('{"sub": "2", "exp": 4102444800}', 'utf8')) || '.'
        || split_part(app.jwt_sign('{"sub": "1", "exp": 4102444800}'), '.', 3)
    ),
    'UA005', 'token is invalid', 'a changed payload is refused'
);
select throws_ok(
    format('select app.jwt_verify(%L)', app.jwt_sign('{"sub": "1", "exp": 1000}')),
    'UA006', 'token has expired', 'an expired token is refused'
);
select throws_ok(
    $$select app.jwt_verify('not-a-token')$$, 'UA005', 'token is invalid',
    'a malformed token is refused'
);
select throws_ok(
    format('select app.jwt_verify(%L)', app.jwt_sign('{"sub": "1"}')),
    'UA006', null, 'a token without exp is refused'
);

select finish();
rollback;

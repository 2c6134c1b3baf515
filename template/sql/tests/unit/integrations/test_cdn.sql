-- Unit: signed CDN URLs (integrations/storage/cdn_client.sql): a URL signed in
-- the database verifies; tampered, expired or foreign URLs raise UA026.
begin;
select plan(14);

select app.set_setting('cdn_base_url', 'https://cdn.example.com/');
select app.set_setting('cdn_signing_key', 'test-signing-key-' || repeat('s', 32));

select is(
    app.cdn_url('media/a b/é.png'), 'https://cdn.example.com/media/a%20b/%C3%A9.png',
    'a CDN URL percent-encodes the key'
);
select throws_ok($$select app.cdn_url('../x')$$, 'UA027', null, 'a bad key has no URL');
select is(app.url_decode('a%20b/%C3%A9'), 'a b/é', 'percent-decoding');
select is(app.url_decode('%zz'), null, 'a broken escape decodes to null');

select matches(
    app.signed_cdn_url('media/a.png', '10 minutes'),
    '^https://cdn[.]example[.]com/media/a[.]png[?]expires=[0-9]+&signature=[A-Za-z0-9_-]{43}$',
    'a signed URL carries its expiry and signature'
);
select is(
    app.verify_cdn_url(app.signed_cdn_url('media/a b.png', '10 minutes')), 'media/a b.png',
    'a signed URL verifies, giving its key back'
);
select is(
    app.cdn_signature('media/a.png', 2000000000),
    app.base64url_encode(
        extensions.hmac(
            convert_to(e'media/a.png\n2000000000', 'UTF8'),
            convert_to('test-signing-key-' || repeat('s', 32), 'UTF8'),
            'sha256'
        )
    ),
    'the signature is HMAC-SHA256 over the key and the expiry'
);
select throws_ok(
    format(
        'select app.verify_cdn_url(%L)',
        replace(app.signed_cdn_url('media/a.png', '10 minutes'), 'media/a', 'media/b')
    ),
    'UA026', null, 'another key with the same signature is refused'
);
select throws_ok(
    format(
        'select app.verify_cdn_url(%L)',
        regexp_replace(
            app.signed_cdn_url('media/a.png', '10 minutes'), 'expires=([0-9]+)', 'expires=\g1 9'
        )
    ),
    'UA026', null, 'a changed expiry is refused'
);
select throws_ok(
    format(
        'select app.verify_cdn_url(%L)',
        'https://cdn.example.com/media/a.png?expires='
        || (extract(epoch from now())::bigint - 1)
        || '&signature='
        || app.cdn_signature('media/a.png', extract(epoch from now())::bigint - 1)
    ),
    'UA026', null, 'an expired URL is refused, even with its right signature'
);
select throws_ok(
    $$select app.verify_cdn_url('https://evil.example.com/media/a.png?expires=1&signature=x')$$,
    'UA026', null, 'a URL of another host is refused'
);
select throws_ok(
    $$select app.signed_cdn_url('media/a.png', '-1 minute')$$, '22023', null,
    'an expiry in the past is refused'
);

-- A signature made with another key does not verify.
select set_config('test.signed', app.signed_cdn_url('media/a.png', '10 minutes'), true);
select app.set_setting('cdn_signing_key', 'another-signing-key-' || repeat('t', 32));
select throws_ok(
    format('select app.verify_cdn_url(%L)', current_setting('test.signed')), 'UA026', null,
    'a URL signed with another key is refused'
);

select app.set_setting('cdn_signing_key', 'too-short');
select throws_ok(
    $$select app.signed_cdn_url('media/a.png')$$, 'UA029', null,
    'a signing key under 32 characters is refused'
);

select finish();
rollback;

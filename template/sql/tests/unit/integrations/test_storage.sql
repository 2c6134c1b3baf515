-- Unit: storage keys and requests (integrations/storage/s3_client.sql).
begin;
select plan(12);

select ok(app.storage_key_valid('users/1/avatar.png'), 'a relative path is a key');
select ok(app.storage_key_valid('reports/q1 été.csv'), 'spaces and accents are fine');
select ok(not app.storage_key_valid('/etc/passwd'), 'a leading slash is refused');
select ok(not app.storage_key_valid('a/../b'), 'a .. segment is refused');
select ok(not app.storage_key_valid('..'), 'a bare .. is refused');
select ok(not app.storage_key_valid('a//b'), 'an empty segment is refused');
select ok(not app.storage_key_valid('a\b'), 'a backslash is refused');
select ok(not app.storage_key_valid(e'a\nb'), 'a control character is refused');
select ok(not app.storage_key_valid(repeat('x', 1025)), 'more than 1024 bytes is refused');

select throws_ok(
    $$select app.store_object('../secret', 'x')$$, 'UA027', null,
    'storing under a bad key raises UA027'
);
select app.store_object('notes/a.txt', 'héllo', idempotency_key => 'note-a');
select app.store_object('img/1.png', '\x89504e47'::bytea, 'image/png', 'img-1');
select is(
    (
        select payload from app_private.outbox
        where idempotency_key = 'note-a'
    ),
    '{"key": "notes/a.txt", "size": 6, "content_type": "text/plain; charset=utf-8",
      "content_base64": "aMOpbGxv"}'::jsonb,
    'text is stored as UTF-8, base64-encoded, with its size and type'
);
select is(
    (
        select row(channel, action, payload ->> 'content_type', payload ->> 'content_base64')::text
        from app_private.outbox
        where idempotency_key = 'img-1'
    ),
    '(storage,put_object,image/png,iVBORw==)', 'bytes go as they are'
);

select finish();
rollback;

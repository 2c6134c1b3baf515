-- Files to S3 through the outbox: the relay (scripts/adapters.py, S3_BUCKET,
-- S3_ENDPOINT_URL) puts the object once the transaction that stores it has
-- committed. The content travels base64-encoded in the row's payload: meant
-- for small files (receipts, exports), not for uploads of any size.
--
--   app.storage_key_valid(key) -> boolean
--   app.check_storage_key(key) -> key, or UA027: a key is a relative path of
--       plain segments (no leading slash, no empty, "." or ".." segment, no
--       backslash or control character), 1 to 1024 bytes
--   app.store_object(key, content bytea, content_type, idempotency_key) -> outbox id
--   app.store_object(key, content text, content_type, idempotency_key) -> outbox id
--       the text is stored as UTF-8; channel storage, action put_object; a
--       fresh idempotency key unless given (storing again is a new put)

create or replace function app.storage_key_valid(key text)
returns boolean
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        octet_length(key) between 1 and 1024
        and key !~ '[\\[:cntrl:]]'
        and not exists (
            select 1
            from regexp_split_to_table(key, '/') as segment
            where segment in ('', '.', '..')
        ),
        false
    )
$$;

create or replace function app.check_storage_key(key text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if not app.storage_key_valid(key) then
        perform app.raise_error('UA027', left(coalesce(key, '(null)'), 200));
    end if;
    return key;
end;
$$;

create or replace function app.store_object(
    key text,
    content bytea,
    content_type text default 'application/octet-stream',
    idempotency_key text default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.check_storage_key(key);
    if content is null then
        raise exception using errcode = '22023', message = 'an object needs content';
    end if;
    return app.outbox_enqueue(
        'storage',
        'put_object',
        jsonb_build_object(
            'key', key,
            'content_base64', translate(encode(content, 'base64'), e'\n', ''),
            'content_type', coalesce(content_type, 'application/octet-stream'),
            'size', octet_length(content)
        ),
        coalesce(idempotency_key, 'storage-' || gen_random_uuid())
    );
end;
$$;

create or replace function app.store_object(
    key text,
    content text,
    content_type text default 'text/plain; charset=utf-8',
    idempotency_key text default null
) returns bigint
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
    select app.store_object(
        key, convert_to(content, 'UTF8'), content_type, idempotency_key
    )
$$;

revoke execute on function app.store_object(text, bytea, text, text) from public;
revoke execute on function app.store_object(text, text, text, text) from public;

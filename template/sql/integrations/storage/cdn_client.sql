-- CDN URLs, signed in the database: an HMAC-SHA256 (pgcrypto) over the key and
-- the expiry, with the setting cdn_signing_key (stored by `make db` from
-- CDN_SIGNING_KEY; at least 32 characters, else UA029). The CDN (or an edge
-- function) checks the same signature; app.verify_cdn_url is the reference.
--
--   app.cdn_url(key) -> cdn_base_url/<key, percent-encoded>   (UA027 for a bad key)
--   app.signed_cdn_url(key, expires_in interval) -> the URL
--       + ?expires=<unix seconds>&signature=<base64url HMAC>
--   app.verify_cdn_url(url) -> the key; UA026 when the URL is not one of ours,
--       tampered with or expired
--   app.cdn_signature(key, expires bigint) -> the signature
--   app.url_encode_path(text), app.url_decode(text): percent-encoding (RFC 3986)

-- Unreserved characters and "/" stay; every other UTF-8 byte becomes %XX.
create or replace function app.url_encode_path(path text)
returns text
language sql
immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        string_agg(
            case
                when chr(b) ~ '^[A-Za-z0-9._~/-]$' then chr(b)
                else '%' || upper(lpad(to_hex(b), 2, '0'))
            end,
            '' order by i
        ),
        ''
    )
    from (
        select i, get_byte(convert_to(path, 'UTF8'), i) as b
        from generate_series(0, octet_length(convert_to(path, 'UTF8')) - 1) as i
    ) as bytes
$$;

-- The text of a percent-encoded string; null when it is not valid UTF-8 or a
-- % is not followed by two hex digits.
create or replace function app.url_decode(encoded text)
returns text
language plpgsql
immutable strict
set search_path = pg_catalog, pg_temp
as $$
declare
    raw bytea := ''::bytea;
    position integer := 1;
    piece text;
begin
    while position <= length(encoded) loop
        piece := substr(encoded, position, 1);
        if piece = '%' then
            piece := substr(encoded, position + 1, 2);
            if piece !~ '^[0-9A-Fa-f]{2}$' then
                return null;
            end if;
            raw := raw || decode(piece, 'hex');
            position := position + 3;
        else
            raw := raw || convert_to(piece, 'UTF8');
            position := position + 1;
        end if;
    end loop;
    return convert_from(raw, 'UTF8');
exception
    when character_not_in_repertoire or untranslatable_character then
        return null;
end;
$$;

create or replace function app.cdn_signing_key()
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    found_key text := app.setting('cdn_signing_key');
begin
    if found_key is null then
        perform app.raise_error('UA013', 'cdn_signing_key');
    end if;
    if length(found_key) < 32 then
        perform app.raise_error('UA029');
    end if;
    return found_key;
end;
$$;

revoke execute on function app.cdn_signing_key() from public;

create or replace function app.cdn_base_url()
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select rtrim(app.require_setting('cdn_base_url'), '/')
$$;

create or replace function app.cdn_signature(key text, expires bigint)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select app.base64url_encode(
        extensions.hmac(
            convert_to(key || e'\n' || expires::text, 'UTF8'),
            convert_to(app.cdn_signing_key(), 'UTF8'),
            'sha256'
        )
    )
$$;

revoke execute on function app.cdn_signature(text, bigint) from public;

create or replace function app.cdn_url(key text)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select app.cdn_base_url() || '/' || app.url_encode_path(app.check_storage_key(key))
$$;

create or replace function app.signed_cdn_url(key text, expires_in interval default '1 hour')
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    expires bigint;
begin
    if expires_in is null or expires_in <= interval '0' then
        raise exception using errcode = '22023', message = 'expires_in must be positive';
    end if;
    expires := ceil(extract(epoch from now() + expires_in))::bigint;
    return app.cdn_url(key) || '?expires=' || expires
        || '&signature=' || app.cdn_signature(key, expires);
end;
$$;

revoke execute on function app.signed_cdn_url(text, interval) from public;

create or replace function app.verify_cdn_url(url text)
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    prefix text := app.cdn_base_url() || '/';
    parts text [];
    found_key text;
    expires bigint;
begin
    if url is null or left(url, length(prefix)) <> prefix then
        perform app.raise_error('UA026', 'not a URL of this CDN');
    end if;
    parts := regexp_match(
        substr(url, length(prefix) + 1),
        '^([^?#]+)[?]expires=([0-9]{1,12})&signature=([A-Za-z0-9_-]{43})$'
    );
    if parts is null then
        perform app.raise_error('UA026', 'malformed signed URL');
    end if;
    found_key := app.url_decode(parts[1]);
    expires := parts[2]::bigint;
    if found_key is null or not app.storage_key_valid(found_key) then
        perform app.raise_error('UA026', 'malformed key');
    end if;
    if app.cdn_signature(found_key, expires) <> parts[3] then
        perform app.raise_error('UA026', 'bad signature');
    end if;
    if expires < extract(epoch from now()) then
        perform app.raise_error('UA026', 'expired');
    end if;
    return found_key;
end;
$$;

revoke execute on function app.verify_cdn_url(text) from public;

-- Helpers shared by every layer.

-- base64url without padding (RFC 7515), as JWT uses it.
create or replace function app.base64url_encode(data bytea)
returns text
language sql
immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select translate(
        rtrim(replace(encode(data, 'base64'), e'\n', ''), '='), '+/', '-_'
    )
$$;

create or replace function app.base64url_decode(data text)
returns bytea
language sql
immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select decode(
        rpad(translate(data, '-_', '+/'), ((length(data) + 3) / 4) * 4, '='),
        'base64'
    )
$$;

-- An email is stored trimmed and lower-cased.
create or replace function app.normalize_email(email text)
returns text
language sql
immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select lower(btrim(email))
$$;

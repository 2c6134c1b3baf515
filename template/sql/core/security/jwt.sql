-- JSON Web Tokens, HS256 (HMAC-SHA256 from pgcrypto), base64url encoded.
-- The key is the jwt_secret setting; verification checks the header, the
-- signature and the expiry.

create or replace function app.jwt_sign(claims jsonb)
returns text
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    header text := app.base64url_encode(convert_to('{"alg":"HS256","typ":"JWT"}', 'utf8'));
    payload text := app.base64url_encode(convert_to(claims::text, 'utf8'));
    signing_input text := header || '.' || payload;
begin
    return signing_input || '.' || app.base64url_encode(
        extensions.hmac(signing_input, app.require_setting('jwt_secret'), 'sha256')
    );
end;
$$;

-- Returns the claims of a valid token; raises UA005 (invalid) or UA006 (expired).
create or replace function app.jwt_verify(token text)
returns jsonb
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    parts text[] := string_to_array(coalesce(token, ''), '.');
    header jsonb;
    claims jsonb;
    expected text;
begin
    if cardinality(parts) <> 3 then
        perform app.raise_error('UA005', 'malformed token');
    end if;
    expected := app.base64url_encode(extensions.hmac(
        parts[1] || '.' || parts[2], app.require_setting('jwt_secret'), 'sha256'
    ));
    if expected is distinct from parts[3] then
        perform app.raise_error('UA005', 'bad signature');
    end if;
    begin
        header := convert_from(app.base64url_decode(parts[1]), 'utf8')::jsonb;
        claims := convert_from(app.base64url_decode(parts[2]), 'utf8')::jsonb;
    exception when others then
        perform app.raise_error('UA005', 'undecodable token');
    end;
    if header ->> 'alg' is distinct from 'HS256' then
        perform app.raise_error('UA005', 'unsupported algorithm');
    end if;
    if jsonb_typeof(claims -> 'exp') is distinct from 'number'
        or (claims ->> 'exp')::numeric <= extract(epoch from now()) then
        perform app.raise_error('UA006');
    end if;
    return claims;
end;
$$;

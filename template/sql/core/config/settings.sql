-- Settings: configuration the database reads at run time, stored in
-- app_private.settings (never readable by clients, unlike a GUC).
-- scripts/init_db.sql writes them from the environment (.env) on `make db`.
--
--   jwt_secret        HMAC key for tokens (required, at least 32 characters)
--   jwt_ttl_seconds   token lifetime (default 3600)

create or replace function app.setting(key text, fallback text default null)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (select s.value from app_private.settings as s where s.key = setting.key),
        fallback
    )
$$;

create or replace function app.require_setting(key text)
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    found_value text := app.setting(key);
begin
    if found_value is null then
        perform app.raise_error('UA013', key);
    end if;
    return found_value;
end;
$$;

create or replace function app.set_setting(key text, value text)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if key = 'jwt_secret' and coalesce(length(value), 0) < 32 then
        perform app.raise_error('UA014');
    end if;
    if key = 'jwt_ttl_seconds' and (value !~ '^[0-9]+$' or value::bigint < 1) then
        raise exception using
            errcode = '22023', message = 'jwt_ttl_seconds must be a positive integer';
    end if;
    insert into app_private.settings as s (key, value)
    values (set_setting.key, set_setting.value)
    on conflict on constraint settings_pkey
    do update set value = excluded.value, updated_at = now();
end;
$$;

revoke execute on function app.set_setting(text, text) from public;

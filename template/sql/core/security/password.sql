-- Passwords: bcrypt through pgcrypto's crypt() and gen_salt('bf').

create or replace function app.hash_password(password text)
returns text
language sql
volatile strict
set search_path = pg_catalog, pg_temp
as $$
    select extensions.crypt(password, extensions.gen_salt('bf'))
$$;

create or replace function app.check_password(password text, password_hash text)
returns boolean
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(password_hash = extensions.crypt(password, password_hash), false)
$$;

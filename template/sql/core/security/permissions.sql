-- Role-based access: who the caller is, what they may do, and row-level
-- security on the tables.
--
-- The caller is identified by the token that api_v1.authenticate() stored in
-- the request.jwt.token setting for the current transaction only (as PostgREST
-- does), so an identity never outlives the transaction. Anyone can write a setting,
-- so the token is verified again (signature and expiry) whenever it is read:
-- a forged or expired token is refused.
-- These three are security definer because row-level security policies call
-- them while a client role runs the query (through the api_v1.users view).

create or replace function app.current_claims()
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    token text := nullif(current_setting('request.jwt.token', true), '');
begin
    if token is null then
        return null;
    end if;
    return app.jwt_verify(token);
end;
$$;

create or replace function app.current_user_id()
returns bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select (app.current_claims() ->> 'sub')::bigint
$$;

create or replace function app.current_user_is_admin()
returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(app.current_claims() ->> 'role' = 'admin', false)
$$;

-- The caller's id, or UA007 when no one is authenticated.
create or replace function app.require_user()
returns bigint
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    user_id bigint := app.current_user_id();
begin
    if user_id is null then
        perform app.raise_error('UA007');
    end if;
    return user_id;
end;
$$;

-- The caller's id if they are an admin; UA007 or UA008 otherwise.
create or replace function app.require_admin()
returns bigint
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    user_id bigint := app.require_user();
begin
    if not app.current_user_is_admin() then
        perform app.raise_error('UA008');
    end if;
    return user_id;
end;
$$;

-- Row-level security: through app_api (the role the API acts as), a caller
-- sees and changes their own row; an admin sees and changes every row.
alter table app_private.users enable row level security;

drop policy if exists users_select_own_or_admin on app_private.users;
create policy users_select_own_or_admin on app_private.users
for select to app_api
using (
    id = (select app.current_user_id())
    or (select app.current_user_is_admin())
);

drop policy if exists users_update_own_or_admin on app_private.users;
create policy users_update_own_or_admin on app_private.users
for update to app_api
using (
    id = (select app.current_user_id())
    or (select app.current_user_is_admin())
)
with check (
    id = (select app.current_user_id())
    or (select app.current_user_is_admin())
);

grant select, update on app_private.users to app_api;

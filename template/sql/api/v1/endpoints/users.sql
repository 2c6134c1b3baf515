-- User endpoints. They act for the caller identified by api_v1.authenticate:
-- they belong to app_api, so row-level security decides which rows they see.
--
--   api_v1.users                                  view: your own row (admins: all)
--   api_v1.me()                                   -> api_v1.user_profile
--   api_v1.update_me(email, full_name, current_password)
--                                                 -> api_v1.user_profile
--   api_v1.list_users(page_limit, page_offset)    admins only (UA008)
--   api_v1.set_user_role(user_id, role)           admins only
--   api_v1.errors                                 view: the business error codes

create or replace view api_v1.users as
select
    u.id,
    u.email,
    u.full_name,
    u.role,
    u.is_active,
    u.created_at,
    u.updated_at
from app_private.users as u;

alter view api_v1.users owner to app_api;

create or replace view api_v1.errors as
select
    e.code,
    e.name,
    e.message
from app.error_catalog() as e;

create or replace function api_v1.me()
returns api_v1.user_profile
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    found app_private.users := app.user_find_by_id(app.require_user());
begin
    if found.id is null then
        perform app.raise_error('UA009');
    end if;
    return app.to_user_profile(found);
end;
$$;

create or replace function api_v1.update_me(
    email text default null,
    full_name text default null,
    current_password text default null
) returns api_v1.user_profile
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
    select app.to_user_profile(
        app.update_profile(app.require_user(), email, full_name, current_password)
    )
$$;

create or replace function api_v1.list_users(
    page_limit integer default 20,
    page_offset integer default 0
) returns setof api_v1.user_profile
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.require_admin();
    return query
    select (app.to_user_profile(u)).*
    from app.user_list(page_limit, page_offset) as u;
end;
$$;

create or replace function api_v1.set_user_role(user_id bigint, role text)
returns api_v1.user_profile
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.require_admin();
    return app.to_user_profile(app.change_role(user_id, role));
end;
$$;

alter function api_v1.me() owner to app_api;
alter function api_v1.update_me(text, text, text) owner to app_api;
alter function api_v1.list_users(integer, integer) owner to app_api;
alter function api_v1.set_user_role(bigint, text) owner to app_api;

-- User repository: every read and write of app_private.users goes through
-- here. These functions run with the privileges of their caller, so
-- row-level security applies when the API acts for a user (as app_api).

create or replace function app.user_insert(
    email text,
    password_hash text,
    full_name text,
    role text default 'user'
) returns app_private.users
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    insert into app_private.users (email, password_hash, full_name, role)
    values (email, password_hash, full_name, role)
    returning *
$$;

create or replace function app.user_find_by_id(user_id bigint)
returns app_private.users
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select u.* from app_private.users as u where u.id = user_id
$$;

create or replace function app.user_find_by_email(email text)
returns app_private.users
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select u.* from app_private.users as u
    where lower(u.email) = lower(user_find_by_email.email)
$$;

create or replace function app.user_list(page_limit integer, page_offset integer)
returns setof app_private.users
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select u.* from app_private.users as u
    order by u.id
    limit app.page_limit(page_limit) offset app.page_offset(page_offset)
$$;

create or replace function app.user_update(
    user_id bigint,
    email text,
    full_name text
) returns app_private.users
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    update app_private.users as u
    set email = user_update.email, full_name = user_update.full_name
    where u.id = user_id
    returning u.*
$$;

create or replace function app.user_set_role(user_id bigint, role text)
returns app_private.users
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    update app_private.users as u
    set role = user_set_role.role
    where u.id = user_id
    returning u.*
$$;

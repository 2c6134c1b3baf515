-- Database setup: extensions, schemas and roles.
--
--   extensions   pgcrypto (password hashing, HMAC for JWT)
--   app_private  tables (created by the migrations); never granted to clients
--   app          internal functions: config, errors, security, repositories, services
--   api_v1       the public interface: the only schema client roles can use
--
-- Roles (cluster-wide, created once, never dropped here):
--   app_anon     client role before login: register, login, authenticate
--   app_user     client role of a logged-in caller (inherits app_anon)
--   app_api      owns the API functions that act for a caller, so that
--                row-level security applies to them (it is not the owner of the
--                tables, and it cannot log in)

create schema if not exists extensions;
create extension if not exists pgcrypto with schema extensions;

create schema if not exists app;
create schema if not exists api_v1;

do $roles$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'app_anon') then
        create role app_anon nologin;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'app_user') then
        create role app_user nologin;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'app_api') then
        create role app_api nologin;
    end if;
    if not pg_catalog.pg_has_role('app_user', 'app_anon', 'member') then
        grant app_anon to app_user;
    end if;
    -- Whoever loads the code hands some API functions to app_api.
    if not pg_catalog.pg_has_role(current_user, 'app_api', 'member') then
        execute pg_catalog.format('grant app_api to %I', current_user);
    end if;
end
$roles$;

-- Nothing but api_v1 is for clients.
revoke all on schema app_private from public;
revoke all on schema app from public;
revoke all on schema extensions from public;
revoke create on schema public from public;

grant usage on schema api_v1 to app_anon;
-- app_api owns objects in api_v1 and runs the internal code.
grant usage, create on schema api_v1 to app_api;
grant usage on schema app, app_private, extensions to app_api;

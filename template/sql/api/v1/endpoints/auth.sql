-- Authentication endpoints.
--
--   api_v1.register(email, password, full_name)  -> api_v1.user_profile
--   api_v1.login(email, password)                -> text (a JWT, HS256)
--   api_v1.authenticate(token)                   -> api_v1.user_profile
--       verifies the token and makes it the caller's identity until the
--       transaction ends (the request.jwt.token setting, as PostgREST sets its
--       claims); the next calls in that transaction (api_v1.me, api_v1.users,
--       ...) act for that user, and the next transaction on the connection
--       (another client, behind a pooler) is anonymous again
--   api_v1.logout()                              forgets the token before then
--
-- register and login run as the owner of the tables (security definer):
-- they act before anyone is identified.

create or replace function api_v1.register(
    email text,
    password text,
    full_name text default ''
) returns api_v1.user_profile
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
    select app.to_user_profile(app.register_user(email, password, full_name))
$$;

create or replace function api_v1.login(email text, password text)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select app.login(email, password)
$$;

create or replace function api_v1.authenticate(token text)
returns api_v1.user_profile
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    claims jsonb := app.jwt_verify(token);
    found app_private.users;
begin
    perform set_config('request.jwt.token', token, true);
    found := app.user_find_by_id((claims ->> 'sub')::bigint);
    if found.id is null then
        perform set_config('request.jwt.token', '', true);
        perform app.raise_error('UA009');
    end if;
    return app.to_user_profile(found);
end;
$$;

create or replace function api_v1.logout()
returns void
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    select set_config('request.jwt.token', '', true);
    select null::void
$$;

-- authenticate reads the user under row-level security: it acts for the caller.
alter function api_v1.authenticate(text) owner to app_api;

-- Router of API version 1: exposes the endpoints to the client roles. Nothing
-- else is granted to them: not app, not app_private.

revoke all on all functions in schema api_v1 from public;
revoke all on all tables in schema api_v1 from public;

-- Before login (app_user inherits all of it).
grant execute on function api_v1.register(text, text, text) to app_anon;
grant execute on function api_v1.login(text, text) to app_anon;
grant execute on function api_v1.authenticate(text) to app_anon;
grant execute on function api_v1.logout() to app_anon;
grant select on api_v1.errors to app_anon;

-- After login.
grant execute on function api_v1.me() to app_user;
grant execute on function api_v1.update_me(text, text, text) to app_user;
grant execute on function api_v1.list_users(integer, integer) to app_user;
grant execute on function api_v1.set_user_role(bigint, text) to app_user;
grant select on api_v1.users to app_user;

-- App configuration: database-wide defaults for the application's schemas.

comment on schema app is
'Internal code: config, errors, security, repositories, services. Not for clients.';
comment on schema app_private is
'Tables. Never granted to client roles; reached only through api_v1.';
comment on schema api_v1 is
'Public interface, version 1: the only schema client roles may use.';

-- New functions in api_v1 are callable by nobody until router.sql grants them.
alter default privileges in schema api_v1 revoke execute on functions from public;

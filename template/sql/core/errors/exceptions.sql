-- Business errors: every one has a stable SQLSTATE (class UA, "user
-- application") and a stable message, so clients can match on the code.
-- docs/ARCHITECTURE.md lists them; api_v1.errors shows them to clients.

create or replace function app.error_catalog()
returns table (code text, name text, message text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    values
    ('UA001', 'invalid_email', 'email is not a valid email address'),
    ('UA002', 'email_taken', 'email is already registered'),
    ('UA003', 'weak_password', 'password must be 8 to 72 characters'),
    ('UA004', 'invalid_credentials', 'invalid email or password'),
    ('UA005', 'invalid_token', 'token is invalid'),
    ('UA006', 'token_expired', 'token has expired'),
    ('UA007', 'not_authenticated', 'authentication required'),
    ('UA008', 'forbidden', 'admin role required'),
    ('UA009', 'user_not_found', 'user not found'),
    ('UA010', 'password_required', 'the current password is required to change the email'),
    ('UA011', 'invalid_role', 'role is not a known role'),
    ('UA012', 'invalid_input', 'full_name is too long'),
    ('UA013', 'setting_missing', 'a required setting is not configured'),
    ('UA014', 'weak_secret', 'jwt_secret must be at least 32 characters')
$$;

-- perform app.raise_error('UA002');   or with a detail for the logs and the client:
-- perform app.raise_error('UA013', 'jwt_secret');
create or replace function app.raise_error(code text, detail text default null)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    found_message text;
begin
    select e.message into found_message
    from app.error_catalog() as e
    where e.code = raise_error.code;
    if found_message is null then
        raise exception 'unknown business error code %', code;
    end if;
    if detail is null then
        raise exception using errcode = code, message = found_message;
    end if;
    raise exception using errcode = code, message = found_message, detail = detail;
end;
$$;

-- The table constraints that are business rules, and the error each one
-- raises. The constraint (core/database/migrations) is the rule's one home;
-- code that writes turns its violation into the business error:
--   exception when check_violation then
--       get stacked diagnostics broken = constraint_name;
--       perform app.raise_constraint_error(broken);
create or replace function app.constraint_errors()
returns table (constraint_name text, code text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    values
    ('users_email_format', 'UA001'),
    ('users_full_name_length', 'UA012'),
    ('users_role_known', 'UA011')
$$;

create or replace function app.raise_constraint_error(constraint_name text)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    found_code text;
begin
    select e.code into found_code
    from app.constraint_errors() as e
    where e.constraint_name = raise_constraint_error.constraint_name;
    if found_code is null then
        raise exception 'constraint % has no business error', constraint_name;
    end if;
    perform app.raise_error(found_code);
end;
$$;

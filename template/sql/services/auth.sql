-- Auth service: credentials in, a signed token out.

-- The user with these credentials, or UA004 (same error whether the email is
-- unknown, the password wrong or the account inactive).
create or replace function app.authenticate_user(email text, password text)
returns app_private.users
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    found app_private.users := app.user_find_by_email(app.normalize_email(email));
begin
    if found.id is null then
        -- Spend the same time as a real check, so timing does not reveal
        -- which emails exist.
        perform app.check_password(coalesce(password, ''), extensions.gen_salt('bf'));
        perform app.raise_error('UA004');
    end if;
    if not found.is_active or not app.check_password(password, found.password_hash) then
        perform app.raise_error('UA004');
    end if;
    return found;
end;
$$;

-- A token for a user: sub (the id), role, email, iat, exp.
create or replace function app.issue_token(u app_private.users)
returns text
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    issued bigint := floor(extract(epoch from now()));
    ttl bigint := app.setting('jwt_ttl_seconds', '3600')::bigint;
begin
    return app.jwt_sign(jsonb_build_object(
        'sub', u.id::text,
        'role', u.role,
        'email', u.email,
        'iat', issued,
        'exp', issued + ttl
    ));
end;
$$;

create or replace function app.login(email text, password text)
returns text
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    found app_private.users := app.authenticate_user(email, password);
begin
    perform app.log('info', 'user_logged_in', jsonb_build_object('user_id', found.id));
    return app.issue_token(found);
end;
$$;

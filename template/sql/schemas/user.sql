-- User schemas: the validated shapes of input and output.
--
--   app.password_text     domain: 8 to 72 characters (bcrypt reads 72 bytes)
--   api_v1.user_profile   what the API returns for a user (no password hash)
--
-- Types cannot be replaced in place, so each is created when missing; change
-- one with a migration. The rules on stored columns (email format, full name
-- length, roles) are the table's constraints, in the migrations.

do $types$
begin
    if to_regtype('app.password_text') is null then
        create domain app.password_text as text
        check (length(value) >= 8 and octet_length(value) <= 72);
    end if;
    if to_regtype('api_v1.user_profile') is null then
        create type api_v1.user_profile as (
            id bigint,
            email text,
            full_name text,
            role text,
            is_active boolean,
            created_at timestamptz,
            updated_at timestamptz
        );
    end if;
end
$types$;

-- The output shape of a stored user.
create or replace function app.to_user_profile(u app_private.users)
returns api_v1.user_profile
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select row(
        u.id, u.email, u.full_name, u.role, u.is_active, u.created_at, u.updated_at
    )::api_v1.user_profile
$$;

-- User service: the business rules about accounts.
--   - an email is stored trimmed and lower-cased, and must be well formed (UA001)
--   - one account per email, whatever its case (UA002)
--   - a password has 8 to 72 characters (UA003)
--   - changing one's email needs the current password (UA010, UA004)
--   - a full name has a length limit (UA012), a role is a known one (UA011)
-- The rules on a user's columns (email format, full name length, known roles)
-- have one home: the constraints of app_private.users (core/database/migrations).
-- The service does not repeat them; it turns a broken one into its business
-- error (app.raise_constraint_error).

create or replace function app.valid_password(raw text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if raw is null then
        perform app.raise_error('UA003');
    end if;
    return raw::app.password_text;
exception when check_violation then
    perform app.raise_error('UA003');
end;
$$;

create or replace function app.register_user(
    email text,
    password text,
    full_name text default '',
    role text default 'user'
) returns app_private.users
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    clean_email text := app.normalize_email(coalesce(email, ''));
    created app_private.users;
    broken text;
begin
    perform app.valid_password(password);
    if role is null then
        perform app.raise_error('UA011');
    end if;
    if (app.user_find_by_email(clean_email)).id is not null then
        perform app.raise_error('UA002');
    end if;
    begin
        created := app.user_insert(
            clean_email, app.hash_password(password), btrim(coalesce(full_name, '')), role
        );
    exception
        when unique_violation then
            -- Another session registered the same email since the check above.
            perform app.raise_error('UA002');
        when check_violation then
            get stacked diagnostics broken = constraint_name;
            perform app.raise_constraint_error(broken);
    end;
    perform app.log('info', 'user_registered', jsonb_build_object('user_id', created.id));
    return created;
end;
$$;

-- Changes the email and/or the full name of a user; null leaves a field as is.
create or replace function app.update_profile(
    user_id bigint,
    new_email text default null,
    new_full_name text default null,
    current_password text default null
) returns app_private.users
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    existing app_private.users := app.user_find_by_id(user_id);
    clean_email text;
    updated app_private.users;
    broken text;
begin
    if existing.id is null then
        perform app.raise_error('UA009');
    end if;
    clean_email := coalesce(app.normalize_email(new_email), existing.email);
    if clean_email <> existing.email then
        if current_password is null then
            perform app.raise_error('UA010');
        end if;
        if not app.check_password(current_password, existing.password_hash) then
            perform app.raise_error('UA004');
        end if;
        if (app.user_find_by_email(clean_email)).id is not null then
            perform app.raise_error('UA002');
        end if;
    end if;
    begin
        updated := app.user_update(
            user_id, clean_email, coalesce(btrim(new_full_name), existing.full_name)
        );
    exception
        when unique_violation then
            perform app.raise_error('UA002');
        when check_violation then
            get stacked diagnostics broken = constraint_name;
            perform app.raise_constraint_error(broken);
    end;
    return updated;
end;
$$;

create or replace function app.change_role(user_id bigint, new_role text)
returns app_private.users
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    updated app_private.users;
    broken text;
begin
    if new_role is null then
        perform app.raise_error('UA011');
    end if;
    begin
        updated := app.user_set_role(user_id, new_role);
    exception when check_violation then
        get stacked diagnostics broken = constraint_name;
        perform app.raise_constraint_error(broken);
    end;
    if updated.id is null then
        perform app.raise_error('UA009');
    end if;
    perform app.log(
        'info', 'role_changed', jsonb_build_object('user_id', user_id, 'role', new_role)
    );
    return updated;
end;
$$;

-- Services: the business rules, as triggers on the tables.
-- Each rule fails with a stable message prefixed by the field it is about,
-- so that a client can tell the problems apart.
-- Triggers are dropped and created again so that re-running main.sql
-- always leaves the current rules in place.

-- Rule: an email is stored trimmed and lower-cased. SQLite cannot change NEW
-- in a BEFORE trigger, so the insert goes through the api_users view whose
-- INSTEAD OF trigger (api.sql) normalises it; writes straight to the table
-- must already be normalised (the table's CHECK constraint says so). Here we
-- give the clear message before the constraint would.
drop trigger if exists users_email_valid_on_insert;
create trigger users_email_valid_on_insert
before insert on users
when
    new.email is null
    or new.email != lower(trim(new.email))
    or new.email not like '_%@_%._%'
    or new.email like '%@%@%'
    or instr(new.email, ' ') > 0
    or length(new.email) > 254
begin
    select raise(abort, 'email: not a valid email address');
end;

drop trigger if exists users_email_valid_on_update;
create trigger users_email_valid_on_update
before update of email on users
when
    new.email is null
    or new.email != lower(trim(new.email))
    or new.email not like '_%@_%._%'
    or new.email like '%@%@%'
    or instr(new.email, ' ') > 0
    or length(new.email) > 254
begin
    select raise(abort, 'email: not a valid email address');
end;

-- Rule: one account per email address, compared case-insensitively.
drop trigger if exists users_email_unique_on_insert;
create trigger users_email_unique_on_insert
before insert on users
when
    exists (
        select 1 from users
        where lower(users.email) = lower(new.email)
    )
begin
    select raise(abort, 'email: already registered');
end;

drop trigger if exists users_email_unique_on_update;
create trigger users_email_unique_on_update
before update of email on users
when
    exists (
        select 1 from users
        where lower(users.email) = lower(new.email) and users.id != new.id
    )
begin
    select raise(abort, 'email: already registered');
end;

-- Rule: created_at and id never change once written.
drop trigger if exists users_immutable_columns;
create trigger users_immutable_columns
before update of id, created_at on users
when new.id is not old.id or new.created_at is not old.created_at
begin
    select raise(abort, 'users: id and created_at are read-only');
end;

-- Rule: updated_at is the time of the last change, set by the database.
drop trigger if exists users_touch_updated_at;
create trigger users_touch_updated_at
after update on users
begin
    update users
    set updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    where id = new.id;
end;

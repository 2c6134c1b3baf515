-- API: the public interface of the database.
-- Clients read through views and write through the same views, whose
-- INSTEAD OF triggers normalise the input and hand it to the table, where
-- the rules of services.sql apply. Views are dropped and created again so
-- that re-running main.sql always leaves the current interface in place.

drop view if exists api_users;
create view api_users as
select
    id,
    email,
    full_name,
    is_active,
    created_at,
    updated_at
from users;

-- Create: insert into api_users (email, full_name) values (...);
-- The email is trimmed and lower-cased; id and timestamps come from the
-- database whatever the client sends.
create trigger api_users_insert
instead of insert on api_users
begin
    insert into users (email, full_name, is_active)
    values (
        lower(trim(new.email)),
        coalesce(new.full_name, ''),
        coalesce(new.is_active, 1)
    );
end;

-- Update: update api_users set full_name = ... where id = ...;
-- Only email, full_name and is_active can change.
create trigger api_users_update
instead of update on api_users
begin
    update users
    set
        email = lower(trim(new.email)),
        full_name = coalesce(new.full_name, ''),
        is_active = coalesce(new.is_active, 1)
    where id = old.id;
end;

-- Delete: delete from api_users where id = ...;
create trigger api_users_delete
instead of delete on api_users
begin
    delete from users
    where id = old.id;
end;

-- List, paginated by the caller:
-- select * from api_users order by id limit 20 offset 0;
-- Count for the pagination metadata:
drop view if exists api_users_count;
create view api_users_count as
select count(*) as total from users;

-- Tables and constraints (models.sql) and connection settings (database.sql).

-- test: foreign keys are enforced
insert into assertion (label, ok)
values ('pragma foreign_keys is on', (select foreign_keys from pragma_foreign_keys));

-- test: the users table has the expected columns
insert into assertion (label, ok)
values (
    'users columns',
    (
        select group_concat(name, ',')
        from (
            select name from pragma_table_info('users')
            order by cid
        ) as ordered_columns
    ) = 'id,email,full_name,is_active,created_at,updated_at'
);

-- test: the table refuses an email that is not normalised
-- expect-error: not a valid email address
insert into users (email) values ('Ann@Example.com');

-- test: the table's constraint refuses a malformed email even without triggers
drop trigger users_email_valid_on_insert;
-- expect-error: CHECK constraint failed: users_email_format
insert into users (email) values ('not-an-email');

-- test: the unique index compares emails case-insensitively
drop trigger users_email_unique_on_insert;
insert into users (email) values ('ann@example.com');
-- expect-error: UNIQUE constraint failed
insert into users (email) values ('ann@example.com');

-- test: is_active is a boolean
-- expect-error: CHECK constraint failed: users_is_active_boolean
insert into users (email, is_active) values ('ann@example.com', 2);

-- test: timestamps default to the current UTC time
insert into users (email) values ('ann@example.com');
insert into assertion (label, ok)
values (
    'created_at is ISO 8601 UTC',
    (select created_at glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z' from users)
);
insert into assertion (label, ok)
values ('updated_at equals created_at', (select updated_at = created_at from users));

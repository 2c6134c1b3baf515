-- migrate:up
-- Fail fast instead of queueing behind a long lock on a live database.
set lock_timeout = '5s';
set statement_timeout = '60s';

-- Tables live in app_private, a schema no client role is ever granted.
create schema if not exists app_private;

create table if not exists app_private.users (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null default '',
    password_hash text not null,
    role text not null default 'user',
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint users_email_format check (
        email = lower(email)
        and length(email) <= 254
        and email ~ '^[^@[:space:]]+@[^@[:space:].]+([.][^@[:space:].]+)+$'
    ),
    constraint users_full_name_length check (length(full_name) <= 200),
    constraint users_role_known check (role in ('user', 'admin'))
);

-- One account per address, whatever its case.
create unique index if not exists users_email_lower_key
on app_private.users (lower(email));

-- Settings the database needs at run time (JWT secret, token lifetime), kept
-- where no client can read them. Written by scripts/init_db.sql.
create table if not exists app_private.settings (
    key text primary key,
    value text not null,
    updated_at timestamptz not null default now()
);

-- migrate:down
set lock_timeout = '5s';
-- Rolling back the first migration removes everything it created.
-- squawk-ignore ban-drop-table
drop table if exists app_private.settings;
-- squawk-ignore ban-drop-table
drop table if exists app_private.users;
-- squawk-ignore ban-drop-schema
drop schema if exists app_private;

-- Models: the tables, their constraints and indexes.
-- Constraints are the last line of defence; services.sql checks the same
-- rules first so that a client gets a clear message.

create table if not exists users (
    id integer primary key autoincrement,
    email text not null
    constraint users_email_format check (
        length(email) between 3 and 254
        and email = lower(trim(email))
        and email like '_%@_%._%'
        and email not like '%@%@%'
        and instr(email, ' ') = 0
    ),
    full_name text not null default ''
    constraint users_full_name_length check (length(full_name) <= 200),
    is_active integer not null default 1
    constraint users_is_active_boolean check (is_active in (0, 1)),
    -- Timestamps are kept by the database (UTC, ISO 8601 with milliseconds):
    -- defaults here, updated_at refreshed by a trigger in services.sql.
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One account per address, whatever its case.
create unique index if not exists users_email_unique on users (lower(email));

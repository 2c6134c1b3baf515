-- Business rules (services.sql).

-- test: a well-formed email is accepted
insert into users (email, full_name) values ('ann@example.com', 'Ann');
insert into assertion (label, ok)
values ('one user', (select count(*) = 1 from users));

-- test: an email without @ is refused
-- expect-error: email: not a valid email address
insert into users (email) values ('ann.example.com');

-- test: an email without a dot in the domain is refused
-- expect-error: email: not a valid email address
insert into users (email) values ('ann@example');

-- test: an email with two @ is refused
-- expect-error: email: not a valid email address
insert into users (email) values ('ann@bob@example.com');

-- test: an email with a space is refused
-- expect-error: email: not a valid email address
insert into users (email) values ('ann smith@example.com');

-- test: a duplicate email is refused with a clear message
insert into users (email) values ('ann@example.com');
-- expect-error: email: already registered
insert into users (email) values ('ann@example.com');

-- test: changing an email to one already taken is refused
insert into users (email) values ('ann@example.com');
insert into users (email) values ('bob@example.com');
-- expect-error: email: already registered
update users set email = 'ann@example.com'
where email = 'bob@example.com';

-- test: created_at is read-only
insert into users (email) values ('ann@example.com');
-- expect-error: read-only
update users set created_at = '2000-01-01T00:00:00.000Z';

-- test: updated_at is refreshed by the database on every change
insert into users (email, created_at, updated_at)
values ('ann@example.com', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z');
update users set full_name = 'Ann';
insert into assertion (label, ok)
values ('updated_at moved', (select updated_at > created_at from users));
insert into assertion (label, ok)
values ('created_at kept', (select created_at = '2000-01-01T00:00:00.000Z' from users));

-- test: a client cannot set updated_at by hand
insert into users (email, created_at, updated_at)
values ('ann@example.com', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z');
update users set updated_at = '1999-01-01T00:00:00.000Z';
insert into assertion (label, ok)
values ('updated_at set by the database', (select updated_at > '2000' from users));

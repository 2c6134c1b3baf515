-- The public interface (api.sql): create, read, list, update, delete.

-- test: create through the view normalises the email
insert into api_users (email, full_name) values ('  Ann@Example.COM ', 'Ann');
insert into assertion (label, ok)
values ('email stored lower-case', (select email = 'ann@example.com' from api_users));
insert into assertion (label, ok)
values ('id assigned', (select id = 1 from api_users));

-- test: create ignores an id or timestamps sent by the client
insert into api_users (id, email, created_at)
values (42, 'ann@example.com', '2000-01-01T00:00:00.000Z');
insert into assertion (label, ok)
values ('id from the database', (select id = 1 from api_users));
insert into assertion (label, ok)
values ('created_at from the database', (select created_at > '2001' from api_users));

-- test: the same email in another case is a conflict
insert into api_users (email) values ('ann@example.com');
-- expect-error: email: already registered
insert into api_users (email) values ('ANN@example.com');

-- test: an invalid email is refused through the view
-- expect-error: email: not a valid email address
insert into api_users (email) values ('nobody');

-- test: read one user by id
insert into api_users (email, full_name) values ('ann@example.com', 'Ann');
insert into assertion (label, ok)
values ('read by id', (
    select full_name = 'Ann' from api_users
    where id = 1
));

-- test: list is paginated with limit and offset
insert into api_users (email) values
('a@example.com'), ('b@example.com'), ('c@example.com'), ('d@example.com'), ('e@example.com');
insert into assertion (label, ok)
values ('total', (select total = 5 from api_users_count));
insert into assertion (label, ok)
values (
    'second page',
    (
        select group_concat(email, ',')
        from (
            select email from api_users
            order by id limit 2 offset 2
        ) as page
    ) = 'c@example.com,d@example.com'
);

-- test: update through the view keeps the rules
insert into api_users (email, full_name) values ('ann@example.com', 'Ann');
update api_users set email = ' ANNE@example.com', full_name = 'Anne'
where id = 1;
insert into assertion (label, ok)
values ('updated', (select email = 'anne@example.com' and full_name = 'Anne' from api_users));
-- expect-error: email: not a valid email address
update api_users set email = 'broken'
where id = 1;

-- test: delete through the view
insert into api_users (email) values ('ann@example.com');
delete from api_users
where id = 1;
insert into assertion (label, ok)
values ('gone', (select count(*) = 0 from api_users));

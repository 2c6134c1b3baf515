-- Integration: the export holds everything about a user; the erasure
-- pseudonymises them, keeps their orders and money, leaves their email and
-- name nowhere in app_private, and is idempotent.
begin;
select plan(22);

select app.set_setting('jwt_secret', repeat('k', 40));
select md5(random()::text) as run \gset
select 'Erin.' || :'run' || '@Example.com' as typed_email \gset
select lower(:'typed_email') as email \gset
select 'Erin Quixotic-' || left(:'run', 6) as full_name \gset

select (app.register_user(:'typed_email', 'correct horse', :'full_name')).id as person_id \gset
select
    (app.register_user('bystander-' || :'run' || '@example.com', 'correct horse', 'By Stander'))
    .id as other
\gset

-- Their life in the shop: an order, events, mail, jobs, failed logins.
insert into app_private.products (sku, name, price) values ('GDPR-' || :'run', 'Kept thing', 7.50)
returning id as pid \gset
insert into app_private.orders (user_id, idempotency_key, subtotal, discount, tax, total)
values (:person_id, 'gdpr-1', 15, 0, 1.20, 16.20)
returning id as order_no \gset
insert into app_private.order_lines (order_id, product_id, quantity, unit_price, line_total)
values (:order_no, :pid, 2, 7.50, 15);
select app.track_event(
    'user_logged_in', jsonb_build_object('note', 'hello ' || :'full_name'), :person_id
);
select app.track_event(
    'product_viewed', jsonb_build_object('by', upper(:'email'), 'product_id', :pid), null
);
insert into app_private.outbox (channel, action, payload, idempotency_key)
values (
    'email', 'send',
    jsonb_build_object(
        'to', :'email', 'subject', 'Dear ' || :'full_name',
        'body', 'Thanks, ' || :'full_name' || '!'
    ),
    'gdpr-mail-' || :'run'
);
insert into app_private.jobs (queue, task, payload) values
('notifications', 'email.send', jsonb_build_object('user_id', :person_id)),
('orders', 'orders.process', jsonb_build_object('order_id', :order_no));
select app.record_login_attempt(:'email', 'gdpr-source-' || :'run', false);
select app.audit_decision('account_lockouts', :'email', jsonb_build_object('email', :'email'));

-- Export.
select app.export_user_data(:person_id) as doc \gset
select is(:'doc'::jsonb #>> '{profile,email}', :'email', 'the export has the profile');
select ok(not (:'doc'::jsonb -> 'profile') ? 'password_hash', 'but not the password hash');
select is(
    :'doc'::jsonb #>> '{orders,0,lines,0,quantity}', '2', 'the orders, with their lines'
);
select ok(
    jsonb_array_length(:'doc'::jsonb -> 'analytics_events') >= 2,
    'the events by them and about them'
);
select ok(
    jsonb_array_length(:'doc'::jsonb -> 'audit') >= 4,
    'the audit rows about them, their orders and their account'
);
select is(jsonb_array_length(:'doc'::jsonb -> 'login_attempts'), 1, 'their login attempts');
select is(jsonb_array_length(:'doc'::jsonb -> 'outbox'), 1, 'the outbox rows that mention them');
select ok(jsonb_array_length(:'doc'::jsonb -> 'jobs') >= 2, 'the jobs that mention them');
select throws_ok('select app.export_user_data(-1)', 'UA009', null, 'an unknown user: UA009');

-- Erasure.
select is(app.erase_user(:person_id), true, 'the erasure runs');
select is(
    (
        select row(email, full_name, is_active)::text from app_private.users
        where id = :person_id
    ),
    row('erased-' || :person_id || '@erased.invalid', '', false)::text,
    'the user is pseudonymised and inactive'
);
select ok(
    not app.check_password(
        'correct horse', (
            select password_hash from app_private.users
            where id = :person_id
        )
    ),
    'the old password no longer matches'
);
select is(
    (
        select total from app_private.orders
        where id = :order_no
    ), 16.20::numeric(12, 2
    ),
    'the order and its money are kept'
);
select is(
    (
        select quantity from app_private.order_lines
        where order_id = :order_no
    ), 2,
    'the order lines are kept'
);

-- Every text and jsonb column of every table in app_private.
create function pg_temp.rows_containing(needle text)
returns text[]
language plpgsql
as $$
declare
    col record;
    found integer;
    hits text [] := '{}';
begin
    for col in
        select c.table_name, c.column_name from information_schema.columns as c
        inner join information_schema.tables as t
            on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'app_private' and t.table_type = 'BASE TABLE'
            and c.data_type in ('text', 'character varying', 'character', 'jsonb', 'json')
    loop
        execute format(
            'select count(*) from app_private.%I where strpos(lower(%I::text), lower($1)) > 0',
            col.table_name, col.column_name
        ) into found using needle;
        if found > 0 then
            hits := hits || (col.table_name || '.' || col.column_name);
        end if;
    end loop;
    return hits;
end;
$$;
select is(pg_temp.rows_containing(:'email'), '{}'::text[], 'the email is nowhere');
select is(pg_temp.rows_containing(:'full_name'), '{}'::text[], 'the name is nowhere');
select isnt(
    pg_temp.rows_containing('bystander-' || :'run'), '{}'::text[],
    'the search finds what is there (another user is untouched)'
);
select is(
    (
        select count(*)::integer from app_private.analytics_events
        where name = 'user_erased' and user_id = :person_id
    ),
    1,
    'the erasure is tracked'
);

-- Twice is once.
-- (A login attempt with the old email, after the erasure, is a new record.)
select throws_ok(
    format('select app.login(%L, %L)', :'email', 'correct horse'), 'UA004', null,
    'nobody logs in with the old email'
);
select app.export_user_data(:person_id) as after_first \gset
select is(app.erase_user(:person_id), false, 'erasing again does nothing');
select is(
    (
        select count(*)::integer from app_private.analytics_events
        where name = 'user_erased' and user_id = :person_id
    ),
    1,
    'and is not tracked again'
);
select is(
    app.export_user_data(:person_id) - 'exported_at', :'after_first'::jsonb - 'exported_at',
    'the second erasure changes nothing'
);

select finish();
rollback;

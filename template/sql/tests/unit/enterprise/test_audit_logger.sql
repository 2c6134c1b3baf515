-- Unit: the audit trigger writes one row per change, with the actor, the
-- trace id and both rows, never the password hash; where it is attached.
begin;
select plan(18);

select app.set_setting('jwt_secret', repeat('k', 40));

select has_trigger('app_private', 'users', 'audit_row_change', 'users are audited');
select has_trigger('app_private', 'products', 'audit_row_change', 'products are audited');
select has_trigger('app_private', 'inventory', 'audit_row_change', 'inventory is audited');
select has_trigger('app_private', 'orders', 'audit_row_change', 'orders are audited');
select has_trigger('app_private', 'order_lines', 'audit_row_change', 'order lines are audited');
select hasnt_trigger('app_private', 'audit_log', 'audit_row_change', 'no self audit');
select hasnt_trigger('app_private', 'jobs', 'audit_row_change', 'jobs are not audited');
select hasnt_trigger(
    'app_private', 'rate_limit_counters', 'audit_row_change', 'rate counters are not audited'
);

-- An admin acts, inside a trace.
select (app.register_user('audit-admin@example.com', 'correct horse', 'Audit Admin', 'admin')).id
    as admin_id
\gset
select set_config('request.jwt.token', app.jwt_sign(jsonb_build_object(
    'sub', :'admin_id', 'role', 'admin',
    'exp', extract(epoch from now())::bigint + 600
)), true);
select set_config(
    'request.traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', true
);

select (app.register_user('audited@example.com', 'correct horse', 'Audited')).id as person_id \gset

select results_eq(
    format(
        $$select operation, actor_id, actor_role, trace_id from app_private.audit_log
        where table_name = 'users' and row_id = '%s'$$, :person_id
    ),
    format(
        $$values ('insert'::text, %s::bigint, 'admin'::text,
        '0af7651916cd43dd8448eb211c80319c'::text)$$,
        :admin_id
    ),
    'an insert is audited with the actor and the trace id'
);
select ok(
    (
        select not new_row ? 'password_hash' and new_row ->> 'email' = 'audited@example.com'
        from app_private.audit_log
        where table_name = 'users' and row_id = :'person_id' and operation = 'insert'
    ),
    'the new row is kept without the password hash'
);

update app_private.users set full_name = 'Audited Twice'
where id = :person_id;
select is(
    (
        select array[old_row ->> 'full_name', new_row ->> 'full_name']
        from app_private.audit_log
        where table_name = 'users' and row_id = :'person_id' and operation = 'update'
    ),
    array['Audited', 'Audited Twice'],
    'an update keeps the old and the new row'
);

update app_private.users set password_hash = password_hash
where id = :person_id;
select is(
    (
        select count(*)::integer from app_private.audit_log
        where table_name = 'users' and row_id = :'person_id' and operation = 'update'
    ),
    1,
    'an update that changes nothing is not audited'
);

update app_private.users set password_hash = app.hash_password('another horse')
where id = :person_id;
select ok(
    (
        select
            bool_and(
                not coalesce(old_row ? 'password_hash', false)
                and not coalesce(new_row ? 'password_hash', false)
            )
        from app_private.audit_log
        where table_name = 'users' and row_id = :'person_id'
    ),
    'a password change is audited without either hash'
);

-- A composite key: an order line is "order_id,product_id".
insert into app_private.products (sku, name, price) values ('AUDIT-SKU-1', 'Audited thing', 5)
returning id as pid \gset
insert into app_private.orders (
    user_id, idempotency_key, subtotal, discount, tax, total
) values (:person_id, 'audit-key-1', 10, 0, 0, 10)
returning id as order_no \gset
insert into app_private.order_lines (order_id, product_id, quantity, unit_price, line_total)
values (:order_no, :pid, 2, 5, 10);
select is(
    (
        select row_id from app_private.audit_log
        where table_name = 'order_lines' and operation = 'insert'
        order by id desc limit 1
    ),
    :order_no || ',' || :pid,
    'an order line is identified by its order and product'
);

delete from app_private.order_lines
where order_id = :order_no;
select ok(
    exists (
        select from app_private.audit_log
        where
            table_name = 'order_lines' and row_id = :order_no || ',' || :pid
            and operation = 'delete' and new_row is null and old_row ->> 'quantity' = '2'
    ),
    'a delete keeps the old row'
);

-- Without a token, no actor; a change outside any trace gets a fresh trace id.
select set_config('request.jwt.token', '', true);
select set_config('request.traceparent', '', true);
update app_private.products set name = 'Audited thing 2'
where id = :pid;
select ok(
    (
        select actor_id is null and trace_id ~ '^[0-9a-f]{32}$'
        from app_private.audit_log
        where table_name = 'products' and row_id = :'pid' and operation = 'update'
    ),
    'no caller: no actor, a fresh trace id'
);

select app.audit_decision('test', 'one', '{"decision": "test"}') as decision_id \gset
select is(
    (
        select operation || ':' || (new_row ->> 'decision') from app_private.audit_log
        where id = :decision_id
    ),
    'decision:test',
    'a security decision is audited as operation decision'
);

select throws_ok(
    $$call app.enable_audit('app_private.audit_log')$$,
    'P0001', 'the audit log does not audit itself', 'the log cannot audit itself'
);

select finish();
rollback;

-- Integration: every business rule that the shop's tables hold as a check
-- constraint maps to a business error, and the service reports it.
begin;
select plan(14);

select app.set_setting('jwt_secret', repeat('k', 40));

-- Each check constraint of the shop's tables is a business rule with its
-- error, or one of the pricing code's invariants (no input reaches those).
select set_eq(
    $$select conname::text from pg_constraint
      where conrelid in ('app_private.products'::regclass, 'app_private.inventory'::regclass,
                         'app_private.orders'::regclass, 'app_private.order_lines'::regclass)
        and contype = 'c'$$,
    $$select constraint_name from app.constraint_errors()
      where constraint_name ~ '^(products|inventory|orders|order_lines)_'
      union all
      values ('orders_total_adds_up'), ('orders_money_not_negative'),
             ('orders_currency_code'), ('order_lines_total_adds_up')$$,
    'every check constraint of the shop''s tables has its business error or is an invariant'
);
select is_empty(
    $$select code from app.constraint_errors()
      except select code from app.error_catalog()$$,
    'the business errors of constraints are in the catalog'
);

select id as ann from app.register_user('ann@example.com', 'correct horse') \gset
select id as lamp from app.create_product('LAMP-1', 'Lamp', 10.00, 2) \gset
select id as screws from app.create_product('BULK-1', 'Screws', 0.01, 5000) \gset
select app.place_order(:ann, format('[{"product_id": %s, "quantity": 2}]', :lamp)::jsonb, 'a');

select throws_ok(
    $$select app.create_product('X-1', 'X', -0.01)$$,
    'UA023', 'price must be zero or more', 'products_price_not_negative: UA023'
);
select throws_ok(
    $$select app.create_product('', 'X', 1)$$,
    'UA030', null, 'products_sku_length: UA030 (empty)'
);
select throws_ok(
    format($$select app.create_product(%L, 'X', 1)$$, repeat('s', 65)),
    'UA030', null, 'products_sku_length: UA030 (too long)'
);
select throws_ok(
    format($$select app.create_product('X-1', %L, 1)$$, repeat('n', 201)),
    'UA030', null, 'products_name_length: UA030'
);
select throws_ok(
    $$select app.create_product('LAMP-1', 'Another lamp', 1)$$,
    'UA031', 'sku is already used', 'products_sku_key: UA031'
);
select throws_ok(
    format('select app.restock_product(%s, -1)', :lamp),
    'UA016', 'not enough stock', 'inventory_within_stock: UA016 (no writing off reserved units)'
);
select throws_ok(
    $$select app.create_product('X-1', 'X', 1, -1)$$,
    'UA016', null, 'inventory_within_stock: UA016 (no negative stock)'
);
select throws_ok(
    format($$select app.place_order(%s, '[{"product_id": %s, "quantity": 600},
        {"product_id": %s, "quantity": 600}]', 'b')$$, :ann, :screws, :screws),
    'UA017', 'quantity must be 1 to 1000', 'order_lines_quantity_range: UA017'
);
select throws_ok(
    format(
        $$select app.place_order(%s, '[{"product_id": %s, "quantity": 1}]', %L)$$,
        :ann, :lamp, repeat('k', 201)
    ),
    'UA022', null, 'orders_idempotency_key_length: UA022'
);
select throws_ok(
    $$select app.raise_constraint_error('order_lines_price_not_negative')$$,
    'UA023', null, 'order_lines_price_not_negative: UA023'
);
select throws_ok(
    $$select app.raise_constraint_error('orders_status_known')$$,
    'UA019', null, 'orders_status_known: UA019'
);
select throws_ok(
    $$update app_private.orders set status = 'shipped'$$,
    'UA019', 'the order cannot move to that status', 'the table refuses a transition not allowed'
);

select finish();
rollback;

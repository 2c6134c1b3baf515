-- Unit: which order status may follow which (app.order_transition_allowed),
-- and the parsing of the items a client sends (app.order_items).
begin;
select plan(14);

select set_eq(
    $$select f, t
      from unnest(array['pending', 'paid', 'payment_failed', 'processing', 'shipped',
                        'delivered', 'cancelled']) as f,
           unnest(array['pending', 'paid', 'payment_failed', 'processing', 'shipped',
                        'delivered', 'cancelled']) as t
      where app.order_transition_allowed(f, t)$$,
    $$values
        ('pending', 'paid'),
        ('pending', 'payment_failed'),
        ('pending', 'cancelled'),
        ('paid', 'processing'),
        ('paid', 'cancelled'),
        ('payment_failed', 'cancelled'),
        ('processing', 'shipped'),
        ('shipped', 'delivered')$$,
    'exactly these transitions are allowed'
);
select ok(
    not app.order_transition_allowed('shipped', 'cancelled'), 'a shipped order stays shipped'
);
select ok(not app.order_transition_allowed('cancelled', 'pending'), 'cancelled is final');
select ok(not app.order_transition_allowed('pending', 'shipped'), 'no skipping payment');
select ok(not app.order_transition_allowed(null, 'paid'), 'an unknown status allows nothing');

select results_eq(
    $$select product_id, quantity
      from app.order_items('[{"product_id": 3, "quantity": 1},
                             {"product_id": 1, "quantity": 2},
                             {"product_id": 3, "quantity": 4}]')$$,
    $$values (1::bigint, 2), (3::bigint, 5)$$,
    'items are merged per product and sorted by product'
);
select throws_ok(
    $$select * from app.order_items('[]')$$, 'UA021', 'an order needs at least one line',
    'an empty order is refused'
);
select throws_ok(
    $$select * from app.order_items('{"product_id": 1, "quantity": 1}')$$, 'UA021', null,
    'items must be an array'
);
select throws_ok(
    $$select * from app.order_items(null)$$, 'UA021', null, 'no items at all is refused'
);
select throws_ok(
    $$select * from app.order_items('[{"product_id": 1, "quantity": 0}]')$$,
    'UA017', 'quantity must be 1 to 1000', 'a zero quantity is refused'
);
select throws_ok(
    $$select * from app.order_items('[{"product_id": 1, "quantity": 1.5}]')$$,
    'UA017', null, 'a fractional quantity is refused'
);
select throws_ok(
    $$select * from app.order_items('[{"product_id": 1, "quantity": "2"}]')$$,
    'UA017', null, 'a quantity must be a JSON number'
);
select throws_ok(
    $$select * from app.order_items('[{"product_id": 1, "quantity": 1001}]')$$,
    'UA017', null, 'more than 1000 of one product in a line is refused'
);
select throws_ok(
    $$select * from app.order_items('[{"sku": "A", "quantity": 1}]')$$,
    'UA015', 'product not found', 'a line without a product id is refused'
);

select finish();
rollback;

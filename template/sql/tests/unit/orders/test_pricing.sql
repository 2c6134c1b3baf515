-- Unit: pricing (services/pricing.sql): premium discount, tax on what is
-- left, half-up rounding to cents, rates from the settings.
begin;
select plan(16);

select is(app.round_money(0.005), 0.01, 'half a cent rounds up');
select is(app.round_money(0.0049), 0.00, 'less than half a cent rounds down');
select is(app.round_money(2.675), 2.68, 'rounding is exact (numeric, not float)');
select is(app.line_total(19.99, 3), 59.97, 'a line costs unit price times quantity');

select is(
    app.price_order(100, 'user'),
    row(100.00, 0.00, 8.00, 108.00)::app.order_price,
    'a user pays the subtotal plus 8% tax'
);
select is(
    app.price_order(100, 'premium'),
    row(100.00, 10.00, 7.20, 97.20)::app.order_price,
    'a premium user gets 10% off, then tax on what is left'
);
select is(
    app.price_order(100, 'admin'),
    row(100.00, 0.00, 8.00, 108.00)::app.order_price,
    'only the premium role gets the discount'
);
select is(
    app.price_order(19.99, 'user'),
    row(19.99, 0.00, 1.60, 21.59)::app.order_price,
    'tax is rounded to cents (1.5992 -> 1.60)'
);
select is(
    app.price_order(12.25, 'premium'),
    row(12.25, 1.23, 0.88, 11.90)::app.order_price,
    'a discount of exactly half a cent rounds up (1.225 -> 1.23), not to even'
);
select is(
    app.price_order(0.05, 'premium'),
    row(0.05, 0.01, 0.00, 0.04)::app.order_price,
    'tiny amounts round half-up too'
);
select is(
    app.price_order(0, 'premium'),
    row(0.00, 0.00, 0.00, 0.00)::app.order_price,
    'a free order costs nothing'
);
select ok(
    (
        select bool_and((p).total = (p).subtotal - (p).discount + (p).tax)
        from (
            select app.price_order(s / 100.0, r) as p
            from generate_series(0, 5000, 7) as s, unnest(array['user', 'premium']) as r
        ) as prices
    ),
    'total = subtotal - discount + tax for every amount'
);

-- The rates are settings.
select app.set_setting('tax_rate', '0.2');
select app.set_setting('premium_discount_rate', '0.25');
select is(app.tax_rate(), 0.2, 'the tax rate comes from the settings');
select is(
    app.price_order(100, 'premium'),
    row(100.00, 25.00, 15.00, 90.00)::app.order_price,
    'stored rates are applied'
);
select app.set_setting('tax_rate', '8%');
select throws_ok(
    $$select app.tax_rate()$$, '22023', null, 'a rate that is not a fraction is refused'
);
select app.set_setting('tax_rate', '1.5');
select throws_ok(
    $$select app.price_order(10, 'user')$$, '22023', null, 'a rate above 1 is refused'
);

select finish();
rollback;

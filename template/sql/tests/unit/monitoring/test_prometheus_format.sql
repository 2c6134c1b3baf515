-- Unit: the Prometheus text format pieces (monitoring/metrics/business_metrics.sql).
begin;
select plan(5);

select is(app.prometheus_escape('plain'), 'plain', 'a plain value is unchanged');
select is(
    app.prometheus_escape(e'a"b\\c\nd'), e'a\\"b\\\\c\\nd',
    'quote, backslash and newline are escaped'
);
select is(app.prometheus_labels('{}'), '', 'no labels, no braces');
select is(
    app.prometheus_labels('{"queue": "orders", "a": "x\"y"}'),
    '{a="x\"y",queue="orders"}',
    'labels in key order, values escaped'
);
select is(
    (
        select count(*)::int from app.metric_families()
        where metric !~ '^[a-zA-Z_:][a-zA-Z0-9_:]*$' or metric_type not in ('counter', 'gauge')
    ),
    0,
    'every family has a valid name and type'
);

select finish();
rollback;

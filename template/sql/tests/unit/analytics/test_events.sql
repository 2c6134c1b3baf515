-- Unit: the typed events (analytics/events/) and the tracker's checks
-- (analytics/tracking/event_tracker.sql): unknown names and missing or
-- mistyped properties are refused with UA025.
begin;
select plan(11);

select results_eq(
    'select name from app.event_catalog() order by name',
    $$values ('order_cancelled'), ('order_paid'), ('order_payment_failed'), ('order_placed'),
        ('order_shipped'), ('product_viewed'), ('user_erased'), ('user_logged_in'),
        ('user_registered')$$,
    'the catalog holds exactly the known events'
);
select is(
    (
        select required from app.event_catalog()
        where name = 'order_placed'
    ),
    array['items', 'order_id', 'total'],
    'order_placed requires order_id, total and items'
);
select is(
    (
        select category from app.event_catalog()
        where name = 'user_registered'
    ), 'user',
    'user events are in the user category'
);

select throws_ok(
    $$select app.track_event('no_such_event', '{}')$$,
    'UA025', null, 'an unknown event is refused'
);
select throws_ok(
    $$select app.track_event('order_paid', '{"order_id": 1}')$$,
    'UA025', null, 'an event without a required property is refused'
);
select throws_ok(
    $$select app.track_event('order_paid', '{"order_id": "1", "total": 2}')$$,
    'UA025', null, 'a property of the wrong JSON type is refused'
);
select throws_ok(
    $$select app.track_event('user_logged_in', '[1, 2]')$$,
    'UA025', null, 'properties must be an object'
);
select throws_ok(
    $$select app.validate_event('product_viewed', '{}')$$,
    'UA025', 'unknown analytics event or missing property', 'the error has its stable message'
);

-- A valid event is recorded, with the call's trace id.
select set_config(
    'request.traceparent', '00-11111111111111111111111111111111-2222222222222222-01', true
);
create temp table tracked on commit drop as
select app.track_event('order_paid', '{"order_id": 1, "total": 9.99}') as id;
select is(
    (
        select e.trace_id from app_private.analytics_events as e
        inner join tracked as t on e.id = t.id
    ),
    '11111111111111111111111111111111',
    'a tracked event carries the call''s trace id'
);
select is(
    (
        select e.properties ->> 'total' from app_private.analytics_events as e
        inner join tracked as t on e.id = t.id
    ),
    '9.99',
    'a tracked event keeps its properties'
);
select ok(
    (
        select relrowsecurity from pg_catalog.pg_class
        where oid = 'app_private.analytics_events'::regclass
    ),
    'row-level security is on for analytics events'
);

select finish();
rollback;

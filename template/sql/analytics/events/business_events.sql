-- Business events: what happens to orders. Typed like the user events
-- (analytics/events/user_events.sql); triggers on app_private.orders record
-- them (analytics/tracking/event_tracker.sql).
--
--   app.business_events() -> (name, property_types, description)
--   app.event_catalog() -> (name, category, required, property_types, description)
--       every known event, user and business: the one list the tracker checks
--
--   order_placed           order_id, total, items ([{product_id, quantity, unit_price}])
--   order_paid             order_id, total
--   order_payment_failed   order_id
--   order_cancelled        order_id
--   order_shipped          order_id

create or replace function app.business_events()
returns table (name text, property_types jsonb, description text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    values
    (
        'order_placed',
        '{"order_id": "number", "total": "number", "items": "array"}'::jsonb,
        'an order was placed (its stock reserved)'
    ),
    ('order_paid', '{"order_id": "number", "total": "number"}'::jsonb, 'an order was paid'),
    ('order_payment_failed', '{"order_id": "number"}'::jsonb, 'the payment was refused'),
    ('order_cancelled', '{"order_id": "number"}'::jsonb, 'an order was cancelled'),
    ('order_shipped', '{"order_id": "number"}'::jsonb, 'an order left the warehouse')
$$;

-- required: the property names an event must carry (the keys of its types).
create or replace function app.event_catalog()
returns table (
    name text, category text, required text[], property_types jsonb, description text
)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select
        e.name,
        e.category,
        array(select k.key from jsonb_object_keys(e.property_types) as k (key) order by k.key),
        e.property_types,
        e.description
    from (
        select
            u.name,
            'user' as category,
            u.property_types,
            u.description
        from app.user_events() as u
        union all
        select
            b.name,
            'business' as category,
            b.property_types,
            b.description
        from app.business_events() as b
    ) as e
$$;

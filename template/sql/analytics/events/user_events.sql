-- User events: what people do. Typed: each event names the properties it
-- must carry and their JSON types (analytics/tracking/event_tracker.sql
-- refuses an event without them, UA025).
--
--   app.user_events() -> (name, property_types, description)
--
--   user_registered   an account was created (trigger on users)
--   user_logged_in    a login succeeded
--   user_erased       a person's data was erased (GDPR; the user id stays)
--   product_viewed    a product was looked at: product_id
--
-- The user is the event's user_id column, never a property: erasure scrubs
-- that one place.

create or replace function app.user_events()
returns table (name text, property_types jsonb, description text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    values
    ('user_registered', '{}'::jsonb, 'an account was created'),
    ('user_logged_in', '{}'::jsonb, 'a login succeeded'),
    ('user_erased', '{}'::jsonb, 'the personal data of an account was erased'),
    ('product_viewed', '{"product_id": "number"}'::jsonb, 'a product was looked at')
$$;

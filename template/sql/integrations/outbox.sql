-- The outbox: app_private.outbox (core/database/migrations). What must leave
-- the database is written here, in the transaction of the change that needs
-- it; the relay (scripts/relay.py) delivers it.
--
--   app.outbox_enqueue(channel, action, payload, idempotency_key)
--       -> the row's id (the existing row's when the key was used before);
--          NOTIFY outbox wakes a waiting relay
--
-- Runs as the owner of the tables (security definer): the API role enqueues
-- without any right on the table.

create or replace function app.outbox_enqueue(
    channel text,
    action text,
    payload jsonb,
    idempotency_key text
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    found_id bigint;
begin
    insert into app_private.outbox as o (channel, action, payload, idempotency_key, trace_id)
    values (
        outbox_enqueue.channel, outbox_enqueue.action, coalesce(outbox_enqueue.payload, '{}'),
        outbox_enqueue.idempotency_key, app.trace_id()
    )
    on conflict (channel, idempotency_key) do nothing
    returning o.id into found_id;
    if found_id is null then
        select o.id into found_id
        from app_private.outbox as o
        where o.channel = outbox_enqueue.channel
            and o.idempotency_key = outbox_enqueue.idempotency_key;
    else
        perform pg_notify('outbox', outbox_enqueue.channel);
    end if;
    return found_id;
end;
$$;

revoke execute on function app.outbox_enqueue(text, text, jsonb, text) from public;

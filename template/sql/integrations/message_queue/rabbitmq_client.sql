-- RabbitMQ publish through the outbox: the relay (scripts/adapters.py,
-- RABBITMQ_URL) publishes the message, as persistent JSON, to a durable topic
-- exchange (RABBITMQ_EXCHANGE, default app.events) with publisher confirms;
-- the idempotency key is its message_id, so a consumer can drop a redelivery.
-- A message no queue is bound for is dropped by the broker, as in any pub/sub.
--
--   app.publish_rabbitmq(routing_key, message jsonb, idempotency_key) -> outbox id
--       channel rabbitmq, action publish; a fresh key unless given
--   app.publish_event(topic, message jsonb) -> the event's id (text): both
--       Redis and RabbitMQ (see integrations/message_queue/redis_client.sql)

create or replace function app.publish_rabbitmq(
    routing_key text,
    message jsonb,
    idempotency_key text default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if coalesce(routing_key, '') = '' or length(routing_key) > 255 then
        raise exception using
            errcode = '22023', message = 'a routing key is 1 to 255 characters';
    end if;
    return app.outbox_enqueue(
        'rabbitmq',
        'publish',
        jsonb_build_object('routing_key', routing_key, 'message', coalesce(message, '{}')),
        coalesce(idempotency_key, 'rabbitmq-' || gen_random_uuid())
    );
end;
$$;

revoke execute on function app.publish_rabbitmq(text, jsonb, text) from public;

-- One event to every message channel. Each copy is its own outbox row, so one
-- broker being down delays only its copy.
create or replace function app.publish_event(topic text, message jsonb)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    event_id text := 'event-' || gen_random_uuid();
begin
    perform app.publish_redis(topic, message, event_id);
    perform app.publish_rabbitmq(topic, message, event_id);
    return event_id;
end;
$$;

revoke execute on function app.publish_event(text, jsonb) from public;

-- Redis PUBLISH through the outbox: the message leaves only if the transaction
-- that publishes it commits, and the relay (scripts/adapters.py, REDIS_URL)
-- sends it, as JSON, to the Redis channel. Pub/sub keeps nothing: a subscriber
-- must be listening when the relay publishes.
--
--   app.publish_redis(channel, message jsonb, idempotency_key) -> outbox id
--       channel redis, action publish; a fresh key unless given
--
-- app.publish_event(topic, message) (message_queue/rabbitmq_client.sql) sends
-- one message to both Redis (channel = topic) and RabbitMQ (routing key =
-- topic). A relay with no REDIS_URL or RABBITMQ_URL marks that copy skipped:
-- it never piles up unseen.

create or replace function app.publish_redis(
    channel text,
    message jsonb,
    idempotency_key text default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if coalesce(channel, '') = '' then
        raise exception using errcode = '22023', message = 'a Redis channel name is required';
    end if;
    return app.outbox_enqueue(
        'redis',
        'publish',
        jsonb_build_object('channel', channel, 'message', coalesce(message, '{}')),
        coalesce(idempotency_key, 'redis-' || gen_random_uuid())
    );
end;
$$;

revoke execute on function app.publish_redis(text, jsonb, text) from public;

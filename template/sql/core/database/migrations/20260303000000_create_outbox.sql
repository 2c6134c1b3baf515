-- migrate:up
set lock_timeout = '5s';
set statement_timeout = '60s';

-- What must leave the database (a charge, a shipment, an email, a message to
-- Redis or RabbitMQ, a file to S3) is written here in the same transaction as
-- the change that needs it, and delivered by the relay (scripts/relay.py), at
-- least once, with its idempotency key.
create table if not exists app_private.outbox (
    id bigint generated always as identity primary key,
    channel text not null,
    action text not null, -- noqa: RF04
    payload jsonb not null default '{}',
    idempotency_key text not null,
    -- pending: to deliver; delivered: the outside system answered; dead: out of
    -- attempts or refused for good; skipped: the relay has no such system configured
    -- (REDIS_URL, RABBITMQ_URL or S3_BUCKET empty), so nothing left the database.
    status text not null default 'pending',
    -- At most 100 (outbox_attempts_range): integer is plenty.
    -- squawk-ignore prefer-bigint-over-int
    attempts integer not null default 0,
    -- squawk-ignore prefer-bigint-over-int
    max_attempts integer not null default 8,
    available_at timestamptz not null default now(),
    locked_at timestamptz,
    locked_by text,
    last_error text,
    result jsonb,
    trace_id text,
    delivered_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint outbox_channel_known check (
        channel in ('payment', 'shipping', 'email', 'redis', 'rabbitmq', 'storage')
    ),
    constraint outbox_status_known check (
        status in ('pending', 'delivered', 'dead', 'skipped')
    ),
    constraint outbox_attempts_range check (attempts >= 0 and max_attempts between 1 and 100),
    constraint outbox_idempotency_key_length check (length(idempotency_key) between 1 and 200)
);

-- One request per key and channel: enqueueing it again is a no-op.
create unique index if not exists outbox_channel_idempotency_key
on app_private.outbox (channel, idempotency_key);
-- What the relay scans.
create index if not exists outbox_pending
on app_private.outbox (channel, available_at, id)
where status = 'pending' and locked_at is null;
-- Claimed rows, for the release of locks a crashed relay left behind.
create index if not exists outbox_locked
on app_private.outbox (locked_at)
where status = 'pending' and locked_at is not null;

-- No client policy: only the owner (the relay, the security definer functions)
-- reads or writes the outbox.
alter table app_private.outbox enable row level security;

-- migrate:down
set lock_timeout = '5s';
-- squawk-ignore ban-drop-table
drop table if exists app_private.outbox;

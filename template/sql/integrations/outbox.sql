-- The outbox: app_private.outbox (core/database/migrations). What must leave
-- the database is written here, in the transaction of the change that needs
-- it; the relay (scripts/relay.py) delivers it, at least once, carrying the
-- idempotency key so the outside system can tell a retry from a new request.
--
--   app.outbox_enqueue(channel, action, payload, idempotency_key)
--       -> the row's id (the existing row's when the key was used before on
--          that channel); NOTIFY outbox wakes a waiting relay
--   app.outbox_claim(channels text[], worker text, batch integer) -> setof rows
--       the due pending rows of those channels (all when null), locked for the
--       worker with `for update skip locked`, attempts + 1; the relay commits
--       the claim before it calls the outside system
--   app.outbox_delivered(id, result jsonb) -> boolean
--       records the answer and hands it to the row's result handler (payment
--       charge -> the order is paid or failed, shipment -> shipped) in the same
--       transaction; false when the row was no longer pending (a duplicate)
--   app.outbox_failed(id, error, permanent, result) -> text, the new status
--       pending again after an exponential back-off, or dead when permanent or
--       out of attempts
--   app.outbox_skipped(id, reason)  the relay has no such system configured
--   app.outbox_retry(id)            a dead or skipped row back to pending
--   app.outbox_release_stale(older_than interval) -> integer
--       claims a crashed relay never finished go back to pending (or dead)
--   app.outbox_purge(older_than interval) -> integer
--       delivered and skipped rows older than that are deleted (dead ones stay)
--   app.outbox_result_handlers()    the registry: channel, action -> handler
--
-- Back-off: outbox_retry_base_seconds (setting, default 5) doubled at each
-- attempt, at most outbox_retry_max_seconds (default 3600).
-- Everything runs as the owner of the table (security definer): the API role
-- enqueues without any right on it; only the relay claims and records.

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
#variable_conflict use_column
declare
    found_id bigint;
begin
    -- (use_column: the conflict target below names columns, not the parameters.)
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

-- The result handlers, in one place: what an answer from the outside world
-- changes in the database. Each handler takes (payload jsonb, result jsonb)
-- and lives beside its request (integrations/external_apis/); a channel and
-- action not listed here are only recorded.
create or replace function app.outbox_result_handlers()
returns table (channel text, action text, handler text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    values
    ('payment', 'charge', 'app.payment_charge_result'),
    ('shipping', 'create_shipment', 'app.shipment_created_result')
$$;

create or replace function app.outbox_claim(
    channels text[] default null,
    worker text default 'relay',
    batch integer default 1
) returns setof app_private.outbox
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
    with due as (
        select o.id
        from app_private.outbox as o
        where o.status = 'pending'
            and o.locked_at is null
            and o.available_at <= now()
            and (outbox_claim.channels is null or o.channel = any(outbox_claim.channels))
        order by o.available_at, o.id
        limit greatest(outbox_claim.batch, 1)
        for update skip locked
    )

    update app_private.outbox as o
    set
        attempts = o.attempts + 1,
        locked_at = now(),
        locked_by = outbox_claim.worker,
        updated_at = now()
    from due
    where o.id = due.id
    returning o.*
$$;

revoke execute on function app.outbox_claim(text[], text, integer) from public;

create or replace function app.outbox_delivered(id bigint, result jsonb default '{}')
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    delivered app_private.outbox;
    found_handler text;
begin
    update app_private.outbox as o
    set
        status = 'delivered',
        result = coalesce(outbox_delivered.result, '{}'),
        last_error = null,
        locked_at = null,
        locked_by = null,
        delivered_at = now(),
        updated_at = now()
    where o.id = outbox_delivered.id and o.status = 'pending'
    returning o.* into delivered;
    if delivered.id is null then
        -- Delivered twice (a lock released while the first relay was still
        -- working): the first answer counts, its handler has run.
        perform app.log(
            'info', 'outbox_duplicate_delivery', jsonb_build_object('outbox_id', id)
        );
        return false;
    end if;
    select h.handler into found_handler
    from app.outbox_result_handlers() as h
    where h.channel = delivered.channel and h.action = delivered.action;
    if found_handler is not null then
        -- A constant from the registry above, never caller input.
        execute format('select %s($1, $2)', found_handler)
        using delivered.payload, delivered.result;
    end if;
    perform app.log(
        'info', 'outbox_delivered',
        jsonb_build_object(
            'outbox_id', delivered.id, 'channel', delivered.channel,
            'action', delivered.action, 'attempts', delivered.attempts,
            'trace_id', delivered.trace_id
        )
    );
    return true;
end;
$$;

revoke execute on function app.outbox_delivered(bigint, jsonb) from public;

-- The wait before the next attempt, after `attempts` attempts.
create or replace function app.outbox_backoff(attempts integer)
returns interval
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select make_interval(secs => least(
        app.setting('outbox_retry_base_seconds', '5')::double precision
        * power(2, greatest(attempts, 1) - 1),
        app.setting('outbox_retry_max_seconds', '3600')::double precision
    ))
$$;

-- A failed attempt. Transient (a connection, a timeout, a 429, a 5xx): tried
-- again after the back-off until max_attempts. Permanent (a 4xx, a business
-- error of the result handler): dead at once. `result` keeps what the outside
-- system answered when the handler, not the delivery, failed.
create or replace function app.outbox_failed(
    id bigint,
    error text,
    permanent boolean default false,
    result jsonb default null
) returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    failed app_private.outbox;
begin
    update app_private.outbox as o
    set
        status = case
            when outbox_failed.permanent or o.attempts >= o.max_attempts then 'dead'
            else 'pending'
        end,
        available_at = case
            when outbox_failed.permanent or o.attempts >= o.max_attempts then o.available_at
            else now() + app.outbox_backoff(o.attempts)
        end,
        last_error = left(coalesce(outbox_failed.error, 'unknown error'), 2000),
        result = coalesce(outbox_failed.result, o.result),
        locked_at = null,
        locked_by = null,
        updated_at = now()
    where o.id = outbox_failed.id and o.status = 'pending'
    returning o.* into failed;
    if failed.id is null then
        return null;
    end if;
    perform app.log(
        case when failed.status = 'dead' then 'warning' else 'info' end,
        'outbox_failed',
        jsonb_build_object(
            'outbox_id', failed.id, 'channel', failed.channel, 'action', failed.action,
            'attempts', failed.attempts, 'status', failed.status, 'error', failed.last_error,
            'trace_id', failed.trace_id
        )
    );
    return failed.status;
end;
$$;

revoke execute on function app.outbox_failed(bigint, text, boolean, jsonb) from public;

create or replace function app.outbox_skipped(id bigint, reason text)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update app_private.outbox as o
    set
        status = 'skipped',
        last_error = left(outbox_skipped.reason, 2000),
        locked_at = null,
        locked_by = null,
        updated_at = now()
    where o.id = outbox_skipped.id and o.status = 'pending';
    if not found then
        return false;
    end if;
    perform app.log(
        'warning', 'outbox_skipped', jsonb_build_object('outbox_id', id, 'reason', reason)
    );
    return true;
end;
$$;

revoke execute on function app.outbox_skipped(bigint, text) from public;

-- Try a dead or skipped row again from its first attempt (an operator's call,
-- once the outside system or its configuration is fixed).
create or replace function app.outbox_retry(id bigint)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    retried_channel text;
begin
    update app_private.outbox as o
    set
        status = 'pending', attempts = 0, available_at = now(),
        locked_at = null, locked_by = null, updated_at = now()
    where o.id = outbox_retry.id and o.status in ('dead', 'skipped')
    returning o.channel into retried_channel;
    if retried_channel is null then
        return false;
    end if;
    perform pg_notify('outbox', retried_channel);
    return true;
end;
$$;

revoke execute on function app.outbox_retry(bigint) from public;

-- A relay that died between its claim and its answer leaves the row locked.
-- After `older_than` the claim counts as a failed attempt.
create or replace function app.outbox_release_stale(older_than interval default '5 minutes')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    released integer;
begin
    update app_private.outbox as o
    set
        status = case when o.attempts >= o.max_attempts then 'dead' else 'pending' end,
        last_error = 'claimed by ' || coalesce(o.locked_by, '?') || ' at '
        || o.locked_at::text || ' and never answered',
        available_at = now(),
        locked_at = null,
        locked_by = null,
        updated_at = now()
    where o.status = 'pending'
        and o.locked_at is not null
        and o.locked_at < now() - older_than;
    get diagnostics released = row_count;
    if released > 0 then
        perform app.log('warning', 'outbox_locks_released', jsonb_build_object('rows', released));
    end if;
    return released;
end;
$$;

revoke execute on function app.outbox_release_stale(interval) from public;

-- Delivered and skipped rows older than `older_than` go; dead ones stay until
-- someone has looked at them (app.outbox_retry, or a delete by hand). A
-- maintenance job for the scheduler.
create or replace function app.outbox_purge(older_than interval default '30 days')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    purged integer;
begin
    delete from app_private.outbox as o
    where o.status in ('delivered', 'skipped')
        and o.updated_at < now() - older_than;
    get diagnostics purged = row_count;
    return purged;
end;
$$;

revoke execute on function app.outbox_purge(interval) from public;

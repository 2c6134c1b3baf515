-- Tracing: one trace id follows a call from api_v1 through the jobs, the
-- outbox and the relay to the outside system. A caller passes its W3C
-- traceparent (as an HTTP gateway passes the traceparent header on):
--   select set_config('request.traceparent', '00-<trace id>-<span id>-01', true);
-- Jobs, outbox rows, audit rows and analytics events store the trace id; the
-- worker and the relay resume it, so what they do carries the same id. A call
-- without a traceparent gets a fresh trace id for the rest of its transaction.
--
--   app.trace_id()                 the call's trace id (the caller's, or a new one
--                                  kept until the transaction ends)
--   app.current_trace_id()         the caller's trace id, or null
--   app.resume_trace(trace_id)     carries on a stored trace for the transaction
--   app.traceparent(trace_id)      a traceparent in that trace (a new span id)
--   app.parse_traceparent(text)    the trace id of a valid traceparent, or null

-- The trace id (32 hex digits) of a well-formed traceparent, else null.
-- W3C rules: lowercase hex, version ff is invalid, and neither the trace id
-- nor the parent (span) id may be all zeros.
create or replace function app.parse_traceparent(traceparent text)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select m[2]
    from regexp_match(
        traceparent, '^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$'
    ) as m
    where m[1] <> 'ff' and m[2] <> repeat('0', 32) and m[3] <> repeat('0', 16)
$$;

-- The caller's trace id, or null when there is none.
create or replace function app.current_trace_id()
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select app.parse_traceparent(current_setting('request.traceparent', true))
$$;

-- A traceparent in the trace: the same trace id, a new span id.
create or replace function app.traceparent(trace_id text)
returns text
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    select '00-' || trace_id || '-' || encode(extensions.gen_random_bytes(8), 'hex') || '-01'
$$;

-- The trace id of this call: the caller's, or a new one kept until the
-- transaction ends. What stores a trace id calls this.
create or replace function app.trace_id()
returns text
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    found text := app.current_trace_id();
begin
    if found is null then
        found := encode(extensions.gen_random_bytes(16), 'hex');
        perform set_config('request.traceparent', app.traceparent(found), true);
    end if;
    return found;
end;
$$;

-- Carries on a stored trace (a job's, an outbox row's) for the rest of the
-- transaction: the worker and the relay call it before they act. A row
-- without a trace id starts a fresh trace.
create or replace function app.resume_trace(trace_id text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if trace_id ~ '^[0-9a-f]{32}$' and trace_id <> repeat('0', 32) then
        perform set_config('request.traceparent', app.traceparent(trace_id), true);
    else
        perform set_config('request.traceparent', '', true);
    end if;
end;
$$;

-- Unit: tracing (monitoring/tracing/tracer.sql): parsing a W3C traceparent,
-- a fresh trace id kept for the transaction, resuming a stored trace.
begin;
select plan(12);

-- Parsing.
select is(
    app.parse_traceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
    '4bf92f3577b34da6a3ce929d0e0e4736',
    'the trace id of a valid traceparent'
);
select is(
    app.parse_traceparent('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'), null,
    'uppercase hex is refused'
);
select is(
    app.parse_traceparent('00-' || repeat('0', 32) || '-00f067aa0ba902b7-01'), null,
    'an all-zero trace id is refused'
);
select is(
    app.parse_traceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-' || repeat('0', 16) || '-01'),
    null,
    'an all-zero span id is refused'
);
select is(
    app.parse_traceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), null,
    'version ff is refused'
);
select is(app.parse_traceparent('not a traceparent'), null, 'garbage is refused');

-- No caller's trace: a fresh one, the same for the rest of the transaction.
select set_config('request.traceparent', '', true);
select is(app.current_trace_id(), null, 'no traceparent, no caller trace id');
create temp table first_trace on commit drop as
select app.trace_id() as trace_id;
select matches(
    (select trace_id from first_trace), '^[0-9a-f]{32}$', 'a fresh trace id is 32 hex digits'
);
select is(
    app.trace_id(), (select trace_id from first_trace),
    'the fresh trace id is kept for the transaction'
);

-- The caller's trace wins.
select set_config(
    'request.traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', true
);
select is(app.trace_id(), '4bf92f3577b34da6a3ce929d0e0e4736', 'the caller''s trace id is used');

-- Resuming a stored trace (what the worker and the relay do).
select app.resume_trace('0af7651916cd43dd8448eb211c80319c');
select is(app.trace_id(), '0af7651916cd43dd8448eb211c80319c', 'a resumed trace is the call''s');
select matches(
    app.traceparent('0af7651916cd43dd8448eb211c80319c'),
    '^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$',
    'a traceparent in the trace gets a span id of its own'
);

select finish();
rollback;

-- Unit: rate limits count in a fixed window, refuse with UA020 and the seconds
-- to wait, and count in their own transaction: a call that is rolled back,
-- or refused, still counts.
begin;
select plan(12);

-- Counts are committed at once: a fresh subject per run.
select 'subject-' || md5(random()::text) as subject \gset

-- The error's code and detail.
create function pg_temp.failure(query text)
returns text
language plpgsql
as $$
declare
    code text;
    detail text;
begin
    execute query;
    return 'no error';
exception when others then
    get stacked diagnostics code = returned_sqlstate, detail = pg_exception_detail;
    return code || ': ' || coalesce(detail, '');
end;
$$;

create function pg_temp.calls(subject text)
returns integer
language sql
as $$
    select coalesce(sum(calls), 0)::integer from app_private.rate_limit_counters
    where action = 'register' and rate_limit_counters.subject = calls.subject
$$;

select app.set_setting('rate_limit_register_calls', '2');
select app.set_setting('rate_limit_register_seconds', '3600');

select lives_ok(
    format('select app.rate_limit(%L, %L)', 'register', :'subject'), 'a first call passes'
);
select lives_ok(
    format('select app.rate_limit(%L, %L)', 'register', :'subject'), 'a second call passes'
);
select throws_ok(
    format('select app.rate_limit(%L, %L)', 'register', :'subject'),
    'UA020', 'too many requests', 'the third call in the window is refused'
);
select matches(
    pg_temp.failure(format('select app.rate_limit(%L, %L)', 'register', :'subject')),
    '^UA020: retry after [0-9]+ seconds$',
    'the refusal says how many seconds to wait'
);
select ok(
    (
        select (regexp_match(f.refusal, '([0-9]+) seconds'))[1]::integer between 1 and 3600
        from pg_temp.failure(
            format('select app.rate_limit(%L, %L)', 'register', :'subject')
        ) as f (refusal)
    ),
    'the seconds to wait are within the window'
);
select is(pg_temp.calls(:'subject'), 5, 'refused calls count too');

-- A call whose transaction is rolled back still counts.
-- (An exception block is a subtransaction: raising rolls back what it did.)
create function pg_temp.rolled_back_call(subject text)
returns void
language plpgsql
as $$
begin
    perform app.rate_limit('register', subject);
    raise exception 'roll it back';
exception when raise_exception then
    null;
end;
$$;
select pg_temp.rolled_back_call(:'subject' || '-rolled-back');
select is(
    pg_temp.calls(:'subject' || '-rolled-back'), 1, 'a count survives a rolled-back call'
);
select is(
    (
        select count(*)::integer from app_private.rate_limit_counters
        where subject = :'subject' || '-rolled-back' and xmin::text::bigint = txid_current()
    ),
    0,
    'the count was written by another transaction'
);

-- Each subject has its own count.
select lives_ok(
    format('select app.rate_limit(%L, %L)', 'register', :'subject' || '-other'),
    'another subject is not limited'
);

select throws_ok(
    $$select app.rate_limit('no-such-action', 'x')$$,
    'P0001', 'no rate limit policy for no-such-action', 'an unknown action is a bug'
);

-- The source: request.source is believed on the local socket; no source, no
-- limit by source.
select set_config('request.source', '', true);
select is(app.request_source(), 'local', 'no source named: local');
select set_config('request.source', '198.51.100.7', true);
select is(app.request_source(), '198.51.100.7', 'a gateway names the source');

select finish();
rollback;

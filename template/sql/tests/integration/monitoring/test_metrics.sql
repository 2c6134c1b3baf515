-- Integration: business metrics in the Prometheus text format
-- (monitoring/metrics/business_metrics.sql). The exposition is parsed line by
-- line, and the samples move by exactly the rows this test inserts.
begin;
select plan(14);

-- The value of one series (name and labels as written) in an exposition, 0 if absent.
create function pg_temp.sample(body text, series text)
returns numeric
language sql
as $$
    select coalesce(
        (
            select substr(l.line, length(series) + 2)::numeric
            from regexp_split_to_table(body, e'\n') as l (line)
            where starts_with(l.line, series || ' ')
        ),
        0
    )
$$;

create temp table before_rows on commit drop as
select app.prometheus_metrics() as body;

-- What the metrics must count.
insert into app_private.jobs (queue, task)
values ('metrics_test', 'noop'), ('metrics_test', 'noop'), ('metrics_test', 'noop'),
(e'odd "queue"\\name', 'noop');
insert into app_private.jobs (queue, task, run_at)
values ('metrics_test', 'noop', now() + interval '1 hour');
insert into app_private.jobs (queue, task, status, attempts)
values ('metrics_test', 'noop', 'dead', 5), ('metrics_test', 'noop', 'dead', 5);
insert into app_private.outbox (channel, action, idempotency_key)
values ('email', 'send', 'metrics-test-1'), ('email', 'send', 'metrics-test-2');
insert into app_private.outbox (channel, action, idempotency_key, status)
values ('email', 'send', 'metrics-test-3', 'dead');
insert into app_private.users (email, password_hash)
values ('metrics@example.com', 'x');
insert into app_private.orders (
    user_id, status, idempotency_key, subtotal, discount, tax, total
)
select
    u.id as user_id,
    o.status,
    o.idempotency_key,
    o.total as subtotal,
    0 as discount,
    0 as tax,
    o.total
from app_private.users as u,
    (
        values ('paid', 'm-1', 10.50), ('shipped', 'm-2', 4.25), ('pending', 'm-3', 99.00)
    ) as o (status, idempotency_key, total)
where u.email = 'metrics@example.com';
insert into app_private.login_attempts (email, source, succeeded)
values
('metrics@example.com', '192.0.2.1', false),
('metrics@example.com', '192.0.2.1', false),
('metrics@example.com', '192.0.2.1', true);
select app.track_event('product_viewed', '{"product_id": 1}');

create temp table after_rows on commit drop as
select app.prometheus_metrics() as body;
create temp table exposition_lines on commit drop as
select
    l.line,
    l.position
from after_rows as a,
    regexp_split_to_table(rtrim(a.body, e'\n'), e'\n') with ordinality as l (line, position);

-- The format.
select ok(
    (select right(body, 1) = e'\n' from after_rows), 'the exposition ends with a newline'
);
select is_empty(
    $q$
    select line from exposition_lines
    where line !~ '^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$'
        and line !~ $re$^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*")*\})? -?[0-9]+(\.[0-9]+)?$$re$
    $q$,
    'every line is a HELP or TYPE comment or a valid sample'
);
select is_empty(
    $$
    select s.line from exposition_lines as s
    where s.line !~ '^#'
        and not exists (
            select from exposition_lines as t
            where t.position < s.position
                and t.line ~ ('^# TYPE ' || substring(s.line from '^[a-zA-Z_:][a-zA-Z0-9_:]*')
                    || ' (counter|gauge)$')
        )
    $$,
    'every sample follows the TYPE line of its metric'
);
select is_empty(
    $$
    select line from exposition_lines where line ~ '^# TYPE '
    group by line having count(*) > 1
    $$,
    'each metric is typed once'
);

-- The counts.
select
    is(
        pg_temp.sample(a.body, 'app_jobs_available{queue="metrics_test"}')
        - pg_temp.sample(b.body, 'app_jobs_available{queue="metrics_test"}'),
        3::numeric, 'jobs due are counted per queue'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, 'app_jobs_scheduled{queue="metrics_test"}')
        - pg_temp.sample(b.body, 'app_jobs_scheduled{queue="metrics_test"}'),
        1::numeric, 'jobs not yet due are counted apart'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, e'app_jobs_available{queue="odd \\"queue\\"\\\\name"}'),
        1::numeric, 'a label value with a quote and a backslash is escaped'
    )
from after_rows as a;
select
    is(
        pg_temp.sample(a.body, 'app_jobs_dead{queue="metrics_test",task="noop"}')
        - pg_temp.sample(b.body, 'app_jobs_dead{queue="metrics_test",task="noop"}'),
        2::numeric, 'dead jobs are counted per queue and task'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, 'app_outbox_pending{channel="email"}')
        - pg_temp.sample(b.body, 'app_outbox_pending{channel="email"}'),
        2::numeric, 'pending outbox rows are counted per channel'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, 'app_outbox_dead{channel="email"}')
        - pg_temp.sample(b.body, 'app_outbox_dead{channel="email"}'),
        1::numeric, 'dead outbox rows are counted per channel'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, 'app_orders{status="paid"}')
        - pg_temp.sample(b.body, 'app_orders{status="paid"}'),
        1::numeric, 'orders are counted per status'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, 'app_revenue{currency="USD"}')
        - pg_temp.sample(b.body, 'app_revenue{currency="USD"}'),
        14.75, 'revenue sums the paid and shipped orders, not the pending one'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, 'app_logins_total{outcome="failed"}')
        - pg_temp.sample(b.body, 'app_logins_total{outcome="failed"}'),
        2::numeric, 'failed logins are counted'
    )
from after_rows as a, before_rows as b;
select
    is(
        pg_temp.sample(a.body, 'app_analytics_events_total{name="product_viewed"}')
        - pg_temp.sample(b.body, 'app_analytics_events_total{name="product_viewed"}'),
        1::numeric, 'analytics events are counted per name'
    )
from after_rows as a, before_rows as b;

select finish();
rollback;

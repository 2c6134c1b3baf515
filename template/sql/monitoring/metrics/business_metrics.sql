-- Business metrics: views over the live tables, and the same numbers in the
-- Prometheus text exposition format (version 0.0.4) for a scraper.
--
--   app.order_counts_as_revenue(status)   paid, processing, shipped, delivered
--   app.metrics_orders         view: orders and their amount per status
--   app.metrics_revenue        view: paid orders and revenue per currency
--   app.metrics_queues         view: jobs available, scheduled, running per queue;
--                              the age of the oldest available one
--   app.metrics_dead_jobs      view: jobs out of attempts per queue and task
--   app.metrics_outbox         view: outbox rows pending and dead per channel
--   app.metrics_logins         view: login attempts per outcome (all, last hour)
--   app.metrics_events         view: analytics events per name
--   app.metric_families() -> (metric, type, help)   what is exported, in order
--   app.metrics_samples        view: (metric, labels, value), every sample
--   app.prometheus_metrics() -> text   the exposition (api_v1.metrics() for admins)

-- An order that has been paid for (and not refunded): it counts as revenue.
create or replace function app.order_counts_as_revenue(status text)
returns boolean
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select status in ('paid', 'processing', 'shipped', 'delivered')
$$;

create or replace view app.metrics_orders as
select
    o.status,
    count(*) as orders,
    sum(o.total) as amount
from app_private.orders as o
group by o.status;

create or replace view app.metrics_revenue as
select
    o.currency,
    count(*) as paid_orders,
    sum(o.total) as revenue
from app_private.orders as o
where app.order_counts_as_revenue(o.status)
group by o.currency;

-- Queued jobs only (the partial index of available jobs serves most of it).
create or replace view app.metrics_queues as
select
    j.queue,
    count(*) filter (where j.locked_at is null and j.run_at <= now()) as available,
    count(*) filter (where j.locked_at is null and j.run_at > now()) as scheduled,
    count(*) filter (where j.locked_at is not null) as running,
    coalesce(
        round(
            extract(
                epoch from now() - min(j.run_at) filter (
                    where j.locked_at is null and j.run_at <= now()
                )
            ),
            3
        ),
        0
    ) as oldest_available_seconds
from app_private.jobs as j
where j.status = 'queued'
group by j.queue;

create or replace view app.metrics_dead_jobs as
select
    j.queue,
    j.task,
    count(*) as dead
from app_private.jobs as j
where j.status = 'dead'
group by j.queue, j.task;

create or replace view app.metrics_outbox as
select
    o.channel,
    count(*) filter (where o.status = 'pending') as pending,
    count(*) filter (where o.status = 'dead') as dead,
    coalesce(
        round(
            extract(
                epoch from now() - min(o.available_at) filter (
                    where o.status = 'pending' and o.available_at <= now()
                )
            ),
            3
        ),
        0
    ) as oldest_pending_seconds
from app_private.outbox as o
where o.status in ('pending', 'dead')
group by o.channel;

-- Logins as threat detection records them (enterprise/security/); the
-- user_logged_in events show in metrics_events too.
create or replace view app.metrics_logins as
select
    case when a.succeeded then 'succeeded' else 'failed' end as outcome,
    count(*) as attempts,
    count(*) filter (where a.attempted_at > now() - interval '1 hour') as last_hour
from app_private.login_attempts as a
group by a.succeeded;

create or replace view app.metrics_events as
select
    e.name,
    count(*) as events
from app_private.analytics_events as e
group by e.name;

create or replace function app.metric_families()
returns table (metric text, metric_type text, help text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    values
    ('app_orders', 'gauge', 'Orders by status.'),
    ('app_orders_amount', 'gauge', 'Sum of the order totals by status.'),
    ('app_paid_orders', 'gauge', 'Orders paid (paid, processing, shipped, delivered).'),
    ('app_revenue', 'gauge', 'Revenue: the totals of the paid orders, by currency.'),
    ('app_jobs_available', 'gauge', 'Jobs due and waiting for a worker, by queue.'),
    ('app_jobs_scheduled', 'gauge', 'Jobs waiting for their run_at, by queue.'),
    ('app_jobs_running', 'gauge', 'Jobs held by a worker, by queue.'),
    (
        'app_jobs_oldest_available_seconds', 'gauge',
        'Age of the oldest job due and not taken, by queue.'
    ),
    ('app_jobs_dead', 'gauge', 'Jobs out of attempts, by queue and task.'),
    ('app_outbox_pending', 'gauge', 'Outbox rows waiting for delivery, by channel.'),
    ('app_outbox_dead', 'gauge', 'Outbox rows out of attempts, by channel.'),
    (
        'app_outbox_oldest_pending_seconds', 'gauge',
        'Age of the oldest outbox row due and not delivered, by channel.'
    ),
    ('app_logins_total', 'counter', 'Login attempts recorded, by outcome.'),
    ('app_logins_last_hour', 'gauge', 'Login attempts in the last hour, by outcome.'),
    ('app_analytics_events_total', 'counter', 'Analytics events recorded, by name.')
$$;

create or replace view app.metrics_samples as
select
    s.metric,
    s.labels,
    s.value
from app.metrics_orders as m
cross join
    lateral (
        values
        ('app_orders', jsonb_build_object('status', m.status), m.orders::numeric),
        ('app_orders_amount', jsonb_build_object('status', m.status), m.amount)
    ) as s (metric, labels, value)
union all
select
    s.metric,
    s.labels,
    s.value
from app.metrics_revenue as r
cross join
    lateral (
        values
        ('app_paid_orders', jsonb_build_object('currency', r.currency), r.paid_orders::numeric),
        ('app_revenue', jsonb_build_object('currency', r.currency), r.revenue)
    ) as s (metric, labels, value)
union all
select
    s.metric,
    s.labels,
    s.value
from app.metrics_queues as q
cross join
    lateral (
        values
        ('app_jobs_available', jsonb_build_object('queue', q.queue), q.available::numeric),
        ('app_jobs_scheduled', jsonb_build_object('queue', q.queue), q.scheduled),
        ('app_jobs_running', jsonb_build_object('queue', q.queue), q.running),
        (
            'app_jobs_oldest_available_seconds', jsonb_build_object('queue', q.queue),
            q.oldest_available_seconds
        )
    ) as s (metric, labels, value)
union all
select
    'app_jobs_dead' as metric,
    jsonb_build_object('queue', d.queue, 'task', d.task) as labels,
    d.dead::numeric as value
from app.metrics_dead_jobs as d
union all
select
    s.metric,
    s.labels,
    s.value
from app.metrics_outbox as o
cross join
    lateral (
        values
        ('app_outbox_pending', jsonb_build_object('channel', o.channel), o.pending::numeric),
        ('app_outbox_dead', jsonb_build_object('channel', o.channel), o.dead),
        (
            'app_outbox_oldest_pending_seconds', jsonb_build_object('channel', o.channel),
            o.oldest_pending_seconds
        )
    ) as s (metric, labels, value)
union all
select
    s.metric,
    s.labels,
    s.value
from app.metrics_logins as l
cross join
    lateral (
        values
        ('app_logins_total', jsonb_build_object('outcome', l.outcome), l.attempts::numeric),
        ('app_logins_last_hour', jsonb_build_object('outcome', l.outcome), l.last_hour)
    ) as s (metric, labels, value)
union all
select
    'app_analytics_events_total' as metric,
    jsonb_build_object('name', e.name) as labels,
    e.events::numeric as value
from app.metrics_events as e;

-- A label value, escaped as the format wants: backslash, double quote, newline.
create or replace function app.prometheus_escape(value text)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select replace(replace(replace(value, e'\\', e'\\\\'), '"', e'\\"'), e'\n', e'\\n')
$$;

-- {name="value",...} in key order, or nothing when there are no labels.
create or replace function app.prometheus_labels(labels jsonb)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        '{' || string_agg(l.key || '="' || app.prometheus_escape(l.value) || '"', ',' order by l.key)
        || '}',
        ''
    )
    from jsonb_each_text(labels) as l
$$;

-- Every family gets its HELP and TYPE lines, samples or not. Runs as the
-- owner: the views read app_private.
create or replace function app.prometheus_metrics()
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    with samples as materialized (
        select
            s.metric,
            s.labels,
            s.value
        from app.metrics_samples as s
    )

    select string_agg(
        '# HELP ' || f.metric || ' '
        -- HELP text escapes only backslash and newline.
        || replace(replace(f.help, e'\\', e'\\\\'), e'\n', e'\\n') || e'\n'
        || '# TYPE ' || f.metric || ' ' || f.metric_type || e'\n'
        || coalesce(
            (
                select
                    string_agg(
                        s.metric || app.prometheus_labels(s.labels) || ' '
                        || coalesce(s.value, 0)::text || e'\n',
                        '' order by s.labels::text
                    )
                from samples as s
                where s.metric = f.metric
            ),
            ''
        ),
        '' order by f.position
    )
    from app.metric_families() with ordinality as f (metric, metric_type, help, position)
$$;

revoke execute on function app.prometheus_metrics() from public;

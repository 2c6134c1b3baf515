-- Reports: materialized views over the orders, refreshed by the scheduled
-- job analytics.refresh_reports (background/). Sold orders are the ones that
-- count as revenue (app.order_counts_as_revenue: paid and after). Days are UTC.
--
--   app_private.report_daily_orders          per day and currency: orders placed,
--                                            orders sold, revenue, average order value
--   app_private.report_average_order_value   per currency: sold orders, revenue, average
--   app_private.report_top_products          per product and currency: units sold,
--                                            revenue (the lines' totals), orders
--   app.refresh_reports()                    refreshes them, concurrently: readers
--                                            are never blocked
--   app.report_daily_orders(from_date, to_date), app.report_top_products(max_rows),
--   app.report_average_order_value()         what api_v1 reads (admins only there)
--
-- Each view is created once (if not exists). To change one, bump its version
-- ('report v2') in the list below and in its comment: the stale view is
-- dropped and the new definition created, filled at once.

do $reports$
declare
    stale regclass;
begin
    for stale in
        select c.oid::regclass
        from pg_catalog.pg_class as c
        inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
        inner join (
            values
            ('report_daily_orders', 'report v1'),
            ('report_average_order_value', 'report v1'),
            ('report_top_products', 'report v1')
        ) as r (name, version) on c.relname = r.name
        where
            n.nspname = 'app_private'
            and c.relkind = 'm'
            and coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '') <> r.version
    loop
        execute pg_catalog.format('drop materialized view %s', stale);
    end loop;
end
$reports$;

create materialized view if not exists app_private.report_daily_orders as
select
    o.currency,
    (o.created_at at time zone 'UTC')::date as order_day,
    count(*) as orders,
    count(*) filter (where app.order_counts_as_revenue(o.status)) as sold_orders,
    coalesce(sum(o.total) filter (where app.order_counts_as_revenue(o.status)), 0) as revenue,
    coalesce(
        round(avg(o.total) filter (where app.order_counts_as_revenue(o.status)), 2), 0
    ) as average_order_value
from app_private.orders as o
group by (o.created_at at time zone 'UTC')::date, o.currency;

comment on materialized view app_private.report_daily_orders is 'report v1';
-- A unique index is what lets a refresh run concurrently.
create unique index if not exists report_daily_orders_key
on app_private.report_daily_orders (order_day, currency);

create materialized view if not exists app_private.report_average_order_value as
select
    o.currency,
    count(*) as sold_orders,
    sum(o.total) as revenue,
    round(avg(o.total), 2) as average_order_value
from app_private.orders as o
where app.order_counts_as_revenue(o.status)
group by o.currency;

comment on materialized view app_private.report_average_order_value is 'report v1';
create unique index if not exists report_average_order_value_key
on app_private.report_average_order_value (currency);

create materialized view if not exists app_private.report_top_products as
select
    l.product_id,
    p.sku,
    p.name,
    o.currency,
    sum(l.quantity) as units,
    sum(l.line_total) as revenue,
    count(*) as orders
from app_private.order_lines as l
inner join app_private.orders as o on l.order_id = o.id
inner join app_private.products as p on l.product_id = p.id
where app.order_counts_as_revenue(o.status)
group by l.product_id, p.sku, p.name, o.currency;

comment on materialized view app_private.report_top_products is 'report v1';
create unique index if not exists report_top_products_key
on app_private.report_top_products (product_id, currency);

revoke all on app_private.report_daily_orders from public;
revoke all on app_private.report_average_order_value from public;
revoke all on app_private.report_top_products from public;

-- Owned by the owner of the views (only it may refresh them). One refresh at
-- a time: a second caller waits for the first.
create or replace function app.refresh_reports()
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    started timestamptz := clock_timestamp();
begin
    perform pg_advisory_xact_lock(hashtext('app.refresh_reports'));
    refresh materialized view concurrently app_private.report_daily_orders;
    refresh materialized view concurrently app_private.report_average_order_value;
    refresh materialized view concurrently app_private.report_top_products;
    perform app.log(
        'info', 'reports_refreshed',
        jsonb_build_object(
            'seconds', round(extract(epoch from clock_timestamp() - started)::numeric, 3)
        )
    );
end;
$$;

revoke execute on function app.refresh_reports() from public;

create or replace function app.report_daily_orders(
    from_date date default current_date - 30,
    to_date date default current_date
) returns table (
    order_day date,
    currency text,
    orders bigint,
    sold_orders bigint,
    revenue numeric,
    average_order_value numeric
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        r.order_day,
        r.currency,
        r.orders,
        r.sold_orders,
        r.revenue,
        r.average_order_value
    from app_private.report_daily_orders as r
    where r.order_day between from_date and to_date
    order by r.order_day, r.currency
$$;

create or replace function app.report_top_products(max_rows integer default 10)
returns table (
    product_id bigint,
    sku text,
    name text,
    currency text,
    units bigint,
    revenue numeric,
    orders bigint
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        r.product_id,
        r.sku,
        r.name,
        r.currency,
        r.units,
        r.revenue,
        r.orders
    from app_private.report_top_products as r
    order by r.units desc, r.revenue desc, r.product_id
    limit greatest(coalesce(max_rows, 10), 0)
$$;

create or replace function app.report_average_order_value()
returns table (
    currency text,
    sold_orders bigint,
    revenue numeric,
    average_order_value numeric
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        r.currency,
        r.sold_orders,
        r.revenue,
        r.average_order_value
    from app_private.report_average_order_value as r
    order by r.currency
$$;

revoke execute on function app.report_daily_orders(date, date) from public;
revoke execute on function app.report_top_products(integer) from public;
revoke execute on function app.report_average_order_value() from public;

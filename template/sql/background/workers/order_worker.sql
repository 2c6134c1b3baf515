-- Order jobs (services/order.sql does the work; these only dispatch).
--
--   app.handle_orders_process(payload)        task orders.process {order_id}:
--       app.process_paid_order(order_id) (paid -> processing, shipping request)
--   app.handle_orders_expire_unpaid(payload)  task orders.expire_unpaid {older_than}:
--       app.expire_unpaid_orders(older_than, default '1 hour'), scheduled
--       every 10 minutes (background/scheduler.sql)

create or replace function app.handle_orders_process(payload jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    found_order_id bigint := (payload ->> 'order_id')::bigint;
begin
    if found_order_id is null then
        raise exception using errcode = '22023', message = 'orders.process needs an order_id';
    end if;
    if to_regprocedure('app.process_paid_order(bigint)') is null then
        raise exception using
            errcode = '42883', message = 'app.process_paid_order(bigint) is not loaded';
    end if;
    execute 'select app.process_paid_order($1)' using found_order_id;
end;
$$;

create or replace function app.handle_orders_expire_unpaid(payload jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    older_than interval := coalesce((payload ->> 'older_than')::interval, interval '1 hour');
    expired integer;
begin
    if to_regprocedure('app.expire_unpaid_orders(interval)') is null then
        raise exception using
            errcode = '42883', message = 'app.expire_unpaid_orders(interval) is not loaded';
    end if;
    execute 'select app.expire_unpaid_orders($1)' into expired using older_than;
    if expired > 0 then
        perform app.log('info', 'orders_expired', jsonb_build_object('count', expired));
    end if;
end;
$$;

revoke execute on function app.handle_orders_process(jsonb) from public;
revoke execute on function app.handle_orders_expire_unpaid(jsonb) from public;

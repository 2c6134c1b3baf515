-- Order notifications: tell the customer their order moved on.
--
--   app.order_status_email(order_id, status) -> (to_address, subject, body)
--   app.handle_notify_order_status(payload)   task notify.order_status {order_id, status}:
--       writes the email to the outbox (background/tasks/email_tasks.sql),
--       keyed 'order-<id>-<status>' so a retried job sends it once

create or replace function app.order_status_email(order_id bigint, status text)
returns table (to_address text, subject text, body text)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select
        u.email,
        format('Your order #%s is %s', o.id, replace(order_status_email.status, '_', ' ')),
        format(
            e'Hello %s,\n\nYour order #%s (total %s %s) is now %s.%s\n\nThank you for your order.',
            coalesce(nullif(u.full_name, ''), u.email),
            o.id,
            o.total,
            o.currency,
            replace(order_status_email.status, '_', ' '),
            case
                when o.tracking_number is not null
                    then e'\nTracking number: ' || o.tracking_number
                else ''
            end
        )
    from app_private.orders as o
    inner join app_private.users as u on o.user_id = u.id
    where o.id = order_status_email.order_id
$$;

create or replace function app.handle_notify_order_status(payload jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    found_order_id bigint := (payload ->> 'order_id')::bigint;
    found_status text := payload ->> 'status';
    mail record;
begin
    if found_order_id is null or coalesce(found_status, '') = '' then
        raise exception using
            errcode = '22023', message = 'notify.order_status needs order_id and status';
    end if;
    select e.* into mail from app.order_status_email(found_order_id, found_status) as e;
    if not found then
        perform app.raise_error('UA018', found_order_id::text);
    end if;
    perform app.send_email(
        mail.to_address, mail.subject, mail.body,
        format('order-%s-%s', found_order_id, found_status),
        jsonb_build_object('order_id', found_order_id, 'status', found_status)
    );
end;
$$;

revoke execute on function app.order_status_email(bigint, text) from public;
revoke execute on function app.handle_notify_order_status(jsonb) from public;

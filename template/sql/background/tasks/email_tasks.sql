-- Email: a job asks for a message; the outbox (integrations/outbox.sql)
-- carries it out of the database, and the relay sends it.
--
--   app.send_email(to_address, subject, body, idempotency_key, extra) -> the outbox
--       row's id; extra (e.g. {"order_id": 7}) is kept in the payload for tracing
--   app.handle_email_send(payload)   task email.send {to, subject, body}:
--       one `email`/`send` outbox row, keyed by the job ('job-<id>') unless
--       the payload brings its own idempotency_key

create or replace function app.send_email(
    to_address text,
    subject text,
    body text,
    idempotency_key text,
    extra jsonb default '{}'
) returns bigint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if coalesce(btrim(to_address), '') = '' or to_address !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception using
            errcode = '22023', message = 'email needs a valid "to" address',
            detail = coalesce(to_address, 'null');
    end if;
    if coalesce(subject, '') = '' or body is null then
        raise exception using errcode = '22023', message = 'email needs a subject and a body';
    end if;
    return app.outbox_enqueue(
        'email', 'send',
        coalesce(extra, '{}')
        || jsonb_build_object('to', to_address, 'subject', subject, 'body', body),
        idempotency_key
    );
end;
$$;

create or replace function app.handle_email_send(payload jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    perform app.send_email(
        payload ->> 'to',
        payload ->> 'subject',
        payload ->> 'body',
        coalesce(payload ->> 'idempotency_key', 'job-' || app.current_job_id()),
        payload - array['to', 'subject', 'body', 'idempotency_key']
    );
end;
$$;

revoke execute on function app.send_email(text, text, text, text, jsonb) from public;
revoke execute on function app.handle_email_send(jsonb) from public;

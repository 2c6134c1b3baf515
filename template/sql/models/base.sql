-- Base model: what every table shares. Tables are created by the migrations
-- (core/database/migrations); this file gives them their common behaviour.
--
-- Convention: every table has created_at and updated_at (timestamptz), kept
-- by the database: set on insert, updated_at refreshed on every update,
-- created_at never changed. `call app.apply_base_model('schema.table')`
-- attaches the trigger that does it.

create or replace function app.touch_timestamps()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'INSERT' then
        new.created_at := now();
    else
        new.created_at := old.created_at;
    end if;
    new.updated_at := now();
    return new;
end;
$$;

create or replace procedure app.apply_base_model(target regclass)
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    execute format(
        'create or replace trigger touch_timestamps '
        'before insert or update on %s '
        'for each row execute function app.touch_timestamps()',
        target
    );
end;
$$;

-- Base repository: data access shared by every table.

-- Page size: 20 by default, between 1 and 100.
create or replace function app.page_limit(requested integer)
returns integer
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select least(greatest(coalesce(requested, 20), 1), 100)
$$;

create or replace function app.page_offset(requested integer)
returns integer
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
    select greatest(coalesce(requested, 0), 0)
$$;

-- Rows of a table that the current role can see (row-level security applies).
create or replace function app.repo_count(target regclass)
returns bigint
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    total bigint;
begin
    execute format('select count(*) from %s', target) into total;
    return total;
end;
$$;

create or replace function app.repo_exists(target regclass, row_id bigint)
returns boolean
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    found boolean;
begin
    execute format('select exists (select from %s where id = $1)', target)
    into found
    using row_id;
    return found;
end;
$$;

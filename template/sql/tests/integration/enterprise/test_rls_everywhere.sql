-- Integration: row-level security is on for every table in app_private,
-- whichever area created it (a table without it is listed).
begin;
select plan(2);

select is_empty(
    $$
    select c.oid::regclass::text
    from pg_class as c
    inner join pg_namespace as n on c.relnamespace = n.oid
    where n.nspname = 'app_private'
        and c.relkind in ('r', 'p')
        and not c.relrowsecurity
    order by 1
    $$,
    'every table in app_private has row-level security enabled'
);
select ok(
    (
        select count(*) from pg_class as c
        inner join pg_namespace as n on c.relnamespace = n.oid
        where n.nspname = 'app_private' and c.relkind in ('r', 'p')
    ) >= 10,
    'the tables are there to be checked'
);

select finish();
rollback;

-- Assertions for the SQL tests, loaded by the runner before every test.
-- A test asserts by inserting a row whose ok column must be true:
--   insert into assertion (label, ok) values ('what must hold', <condition>);
-- A false or null condition aborts the statement, and the test fails there.

create temp table assertion (
    label text not null,
    ok integer
);

create temp trigger assertion_must_hold
before insert on assertion
when new.ok is not 1
begin
    select raise(abort, 'assertion failed');
end;

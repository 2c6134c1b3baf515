-- End to end: an identity lasts one transaction. Behind a pooler that hands
-- connections out per transaction, the next transaction on this connection
-- belongs to another client, who must be anonymous.
-- Unlike the other tests this one commits (a rolled-back transaction would
-- undo even a session-wide setting), so it puts back what it changed.
select plan(5);

begin;
create temporary table saved_settings on commit drop as
select
    key,
    value,
    updated_at
from app_private.settings;
select app.set_setting('jwt_secret', repeat('k', 40));
select app.register_user('identity@example.com', 'correct horse', 'Ida');

set local role app_user;
select is(
    (api_v1.authenticate(api_v1.login('identity@example.com', 'correct horse'))).email,
    'identity@example.com',
    'authenticate identifies the caller'
);
select is((api_v1.me()).full_name, 'Ida', 'the identity holds for the rest of the transaction');
reset role;

delete from app_private.users
where email = 'identity@example.com';
delete from app_private.settings;
insert into app_private.settings (key, value, updated_at)
select
    key,
    value,
    updated_at
from saved_settings;
commit;

-- The next transaction on the same connection.
begin;
select is(
    nullif(current_setting('request.jwt.token', true), ''), null,
    'the token is gone once the transaction has ended'
);
select is(app.current_user_id(), null, 'the next transaction has no caller');
set local role app_user;
select throws_ok(
    'select api_v1.me()', 'UA007', 'authentication required',
    'the next transaction is anonymous'
);
reset role;
-- Committed, not rolled back: pgTAP counts its results in a table.
commit;

select finish();

-- Creates an account, an admin by default: the way to get the first admin.
--   make create-user EMAIL=admin@example.com PASSWORD='a long password' ROLE=admin
-- The values arrive as session settings (see the Makefile), never on a
-- command line where other users could read them.

select
    u.id,
    u.email,
    u.role
from app.register_user(
    current_setting('create_user.email', true),
    current_setting('create_user.password', true),
    coalesce(current_setting('create_user.full_name', true), ''),
    coalesce(nullif(current_setting('create_user.role', true), ''), 'admin')
) as u;

-- User model: app_private.users (created by the first migration).
-- Constraints there: email format and lower case, email unique
-- case-insensitively, full_name length, role in (user, admin).

call app.apply_base_model('app_private.users');

comment on table app_private.users is 'Accounts. Read and changed only through api_v1.';
comment on column app_private.users.email is 'Trimmed, lower-case; unique whatever its case.';
comment on column app_private.users.password_hash is 'bcrypt (pgcrypto crypt, gen_salt bf).';
comment on column app_private.users.role is 'user or admin; admins see and change every row.';

-- User model: app_private.users (created by the first migration).
-- Its constraints are the one home of the rules on its columns: email format
-- and lower case (users_email_format), full_name length
-- (users_full_name_length), known roles (users_role_known); the email is
-- unique whatever its case (users_email_lower_key).

call app.apply_base_model('app_private.users');

comment on table app_private.users is 'Accounts. Read and changed only through api_v1.';
comment on column app_private.users.email is 'Trimmed, lower-case; unique whatever its case.';
comment on column app_private.users.password_hash is 'bcrypt (pgcrypto crypt, gen_salt bf).';
comment on column app_private.users.role is
'A known role (constraint users_role_known); admins see and change every row.';

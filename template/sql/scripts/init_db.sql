-- Database initialization: stores the settings the application reads at run
-- time. `make db` runs it after the migrations and main.sql, passing the
-- values from the environment (.env) as session settings:
--   PGOPTIONS='-c init.jwt_secret=... -c init.jwt_ttl_seconds=3600' \
--     psql -f scripts/init_db.sql "$DATABASE_URL"
-- A missing or short secret is refused (UA014): the database never runs on a
-- default one.

select app.set_setting('jwt_secret', current_setting('init.jwt_secret', true));
select app.set_setting(
    'jwt_ttl_seconds', coalesce(nullif(current_setting('init.jwt_ttl_seconds', true), ''), '3600')
);

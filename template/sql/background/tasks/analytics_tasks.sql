-- Analytics jobs: the reports (analytics/reporting/reports.sql) are
-- refreshed by a scheduled job (background/scheduler.sql, every 5 minutes).
--
--   app.handle_analytics_refresh_reports(payload)   task analytics.refresh_reports:
--       calls app.refresh_reports()
--
-- reports.sql loads after this file, so the call is made by name when the job
-- runs; until the function exists the job fails (and is retried) saying so.

create or replace function app.handle_analytics_refresh_reports(payload jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if to_regprocedure('app.refresh_reports()') is null then
        raise exception using
            errcode = '42883', message = 'app.refresh_reports() is not loaded';
    end if;
    execute 'select app.refresh_reports()';
end;
$$;

revoke execute on function app.handle_analytics_refresh_reports(jsonb) from public;

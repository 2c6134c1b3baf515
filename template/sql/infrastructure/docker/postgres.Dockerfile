# PostgreSQL 15 with pg_cron (the scheduler of background/scheduler.sql), for compose.
# The official image's apt sources (the PostgreSQL project's) carry postgresql-15-cron;
# docker-compose.yml preloads it with `-c shared_preload_libraries=pg_cron`.
FROM postgres:15-bookworm
# The package's version follows the base image's PostgreSQL.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15-cron \
    && rm -rf /var/lib/apt/lists/*

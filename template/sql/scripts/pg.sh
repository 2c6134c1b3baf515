#!/usr/bin/env bash
# PostgreSQL helper behind the Makefile.
#
#   scripts/pg.sh test      run the pgTAP suite (a throwaway cluster unless DATABASE_URL is set)
#   scripts/pg.sh migrate   apply the migrations (dbmate), then the code (main.sql)
#   scripts/pg.sh db        migrate, then store the settings from the environment (scripts/init_db.sql)
#   scripts/pg.sh create-user   EMAIL=... PASSWORD=... [ROLE=admin|user] (scripts/create_user.sql)
#   scripts/pg.sh psql ...  psql on the database, with any extra arguments
#   scripts/pg.sh stop      stop the local development cluster
#   scripts/pg.sh clean     stop it and delete its data
#
# The database is DATABASE_URL when set; otherwise a local development cluster
# whose data is in DEV_PGDATA (default .pgdata/, inside the project and
# git-ignored), started on demand, listening on a unix socket only. `test`
# never touches that one: with no DATABASE_URL it creates a cluster in a
# temporary directory and removes it on exit, whether the tests pass or fail.
#
# The PostgreSQL server binaries are looked for on PATH, then in each directory
# of PG_BINDIR_SEARCH (default: /usr/lib/postgresql/*/bin /usr/local/pgsql/bin,
# newest version first). When run as root, the cluster runs as PG_OS_USER
# (default: postgres if that user exists, else nobody): PostgreSQL refuses root.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."

UV=${UV:-uv}
DB_NAME=${DB_NAME:-app}
PG_BINDIR_SEARCH=${PG_BINDIR_SEARCH:-/usr/lib/postgresql/*/bin /usr/local/pgsql/bin}
APT_ALL="apt-get install postgresql postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl"
MIGRATIONS=core/database/migrations

die() {
    echo "$*" >&2
    exit 1
}

# Find a directory that holds the named programs: PATH first, then the search list.
find_bindir() {
    local dir program ok
    local -a candidates=()
    if command -v "$1" >/dev/null 2>&1; then
        candidates+=("$(dirname "$(command -v "$1")")")
    fi
    # shellcheck disable=SC2086  # the search list is a list of globs
    for dir in $(printf '%s\n' $PG_BINDIR_SEARCH | sort -V -r); do
        candidates+=("$dir")
    done
    for dir in "${candidates[@]}"; do
        ok=1
        for program in "$@"; do
            [ -x "$dir/$program" ] || ok=0
        done
        if [ "$ok" = 1 ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

server_bindir() {
    find_bindir initdb pg_ctl postgres \
        || die "PostgreSQL server binaries not found: $APT_ALL (or set DATABASE_URL to a running server)"
}

client_bindir() {
    find_bindir psql pg_dump || die "psql not found: apt-get install postgresql-client"
}

# Run a command as the cluster's owner (not root: PostgreSQL refuses to run as root),
# from / since the owner may not enter this project's folder (paths are absolute).
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

os_user() {
    if [ -n "${PG_OS_USER:-}" ]; then
        echo "$PG_OS_USER"
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        echo nobody
    fi
}

# A port number nothing listens on. The cluster listens on its private unix
# socket only, so the number just names the socket; it is still picked free so
# that TCP can be switched on without a clash.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# start_cluster DATA SOCKET: initdb DATA if needed, then start it listening on
# a unix socket in the directory SOCKET (which also keeps the port number).
start_cluster() {
    local data=$1 sock=$2 bindir port dir
    bindir=$(server_bindir)
    PG_OS_USER=$(os_user)
    for dir in "$data" "$sock"; do
        mkdir -p "$dir"
        if [ "$(id -u)" = 0 ]; then
            chown "$PG_OS_USER" "$dir"
        fi
        chmod 700 "$dir"
    done
    if [ ! -f "$data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale \
            --no-sync >"$sock/initdb.log" 2>&1 || die "initdb failed: see $sock/initdb.log"
    fi
    port=$(free_port)
    echo "$port" >"$sock/port"
    as_owner "$bindir/pg_ctl" -D "$data" -l "$sock/server.log" -w -s \
        -o "-c listen_addresses='' -k '$sock' -p $port -c fsync=off -c synchronous_commit=off" \
        start || die "PostgreSQL did not start: see $sock/server.log"
}

stop_cluster() {
    local data=$1 bindir
    [ -f "$data/postmaster.pid" ] || return 0
    bindir=$(server_bindir)
    PG_OS_USER=$(os_user)
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -s stop || true
}

cluster_url() {
    echo "postgres://postgres@/$DB_NAME?host=$1&port=$(cat "$1/port")&sslmode=disable"
}

# The local development cluster: data in DEV_PGDATA, socket in a short
# temporary path (unix socket paths are limited to about 100 characters).
DEV_PGDATA=${DEV_PGDATA:-.pgdata}
case "$DEV_PGDATA" in
    /*) ;;
    *) DEV_PGDATA=$PWD/$DEV_PGDATA ;;
esac
dev_socket_dir() {
    echo "${TMPDIR:-/tmp}/pg-$(id -u)-$(pwd | cksum | cut -d' ' -f1)"
}

# Where the development cluster's data is: DEV_PGDATA, unless this runs as root
# and the user the cluster runs as may not enter the folder that holds it
# (a private home, say); then beside the socket, and dev_url says so.
dev_data() {
    if [ "$(id -u)" = 0 ] && ! (cd / && runuser -u "$(os_user)" -- test -x "$(dirname "$DEV_PGDATA")"); then
        echo "$(dev_socket_dir)/data"
    else
        echo "$DEV_PGDATA"
    fi
}

dev_url() {
    local sock data
    sock=$(dev_socket_dir)
    data=$(dev_data)
    if [ ! -S "$sock/.s.PGSQL.$(cat "$sock/port" 2>/dev/null || echo none)" ]; then
        start_cluster "$data" "$sock" >&2
        if [ "$data" = "$DEV_PGDATA" ]; then
            echo "development cluster: data in $data" >&2
        else
            echo "development cluster: data in $data ($(os_user) may not enter $(dirname "$DEV_PGDATA"))" >&2
        fi
    fi
    cluster_url "$sock"
}

database_url() {
    if [ -n "${DATABASE_URL:-}" ]; then
        echo "$DATABASE_URL"
    else
        dev_url
    fi
}

PSQL_OPTS=(-X -q -v ON_ERROR_STOP=1)

migrate() {
    local url=$1 psql
    psql="$(client_bindir)/psql"
    "$UV" run --quiet dbmate --url "$url" --migrations-dir "$MIGRATIONS" --no-dump-schema --wait up
    "$psql" "${PSQL_OPTS[@]}" -d "$url" -f main.sql
}

# Escape a value for PGOPTIONS (spaces and backslashes).
pgoption() {
    local value=${2//\\/\\\\}
    printf -- '-c %s=%s' "$1" "${value// /\\ }"
}

init_settings() {
    local url=$1 psql
    psql="$(client_bindir)/psql"
    [ -n "${JWT_SECRET:-}" ] || die "JWT_SECRET is not set: put it in .env (see .env.example)"
    PGOPTIONS="$(pgoption init.jwt_secret "$JWT_SECRET") $(pgoption init.jwt_ttl_seconds "${JWT_TTL_SECONDS:-3600}")" \
        "$psql" "${PSQL_OPTS[@]}" -d "$url" -f scripts/init_db.sql >/dev/null
}

create_user() {
    local url=$1 psql
    psql="$(client_bindir)/psql"
    [ -n "${EMAIL:-}" ] && [ -n "${PASSWORD:-}" ] \
        || die "usage: make create-user EMAIL=someone@example.com PASSWORD='...' [ROLE=admin|user] [FULL_NAME='...']"
    PGOPTIONS="$(pgoption create_user.email "$EMAIL") $(pgoption create_user.password "$PASSWORD") $(pgoption create_user.role "${ROLE:-admin}") $(pgoption create_user.full_name "${FULL_NAME:-}")" \
        "$psql" -X -v ON_ERROR_STOP=1 -d "$url" -f scripts/create_user.sql
}

schema_dump() {
    "$(client_bindir)/pg_dump" --schema-only --no-comments -d "$1" \
        | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' -e '^$'
}

run_tests() {
    local url workdir psql major
    if [ -z "${DATABASE_URL:-}" ]; then
        server_bindir >/dev/null
    fi
    command -v pg_prove >/dev/null 2>&1 \
        || die "pg_prove not found: apt-get install libtap-parser-sourcehandler-pgtap-perl"
    psql="$(client_bindir)/psql"
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/pgtest.XXXXXX")
    # shellcheck disable=SC2064  # expand now: the trap must remove this very directory
    trap "stop_cluster '$workdir/data' >/dev/null 2>&1; rm -rf '$workdir'" EXIT
    # Interrupted or killed: exit, which runs the cleanup above.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if [ -n "${DATABASE_URL:-}" ]; then
        url=$DATABASE_URL
    else
        start_cluster "$workdir/data" "$workdir"
        url=$(DB_NAME=app_test cluster_url "$workdir")
        echo "throwaway cluster in $workdir"
    fi
    migrate "$url"
    if [ "$("$psql" -X -At -d "$url" -c "select count(*) from pg_available_extensions where name = 'pgtap'")" = 0 ]; then
        major=$("$psql" -X -At -d "$url" -c "select current_setting('server_version_num')::int / 10000")
        die "pgTAP not found on the server: apt-get install postgresql-$major-pgtap"
    fi
    # Applying everything a second time must leave exactly the same schema.
    schema_dump "$url" >"$workdir/schema.before"
    migrate "$url"
    schema_dump "$url" >"$workdir/schema.after"
    if ! diff -u "$workdir/schema.before" "$workdir/schema.after"; then
        die "not idempotent: applying the migrations and main.sql twice changed the schema"
    fi
    echo "ok - applying the migrations and main.sql twice leaves the same schema"
    "$psql" "${PSQL_OPTS[@]}" -d "$url" -c "create extension if not exists pgtap"
    # pg_prove cannot pass a URL with "=" in it to psql: give it a psql that
    # already knows the database.
    # shellcheck disable=SC2016  # $PG_PROVE_URL and $@ are for the wrapper to expand
    printf '#!/bin/sh\nexec "%s" -d "$PG_PROVE_URL" "$@"\n' "$psql" >"$workdir/psql"
    chmod +x "$workdir/psql"
    PG_PROVE_URL=$url pg_prove --psql-bin "$workdir/psql" --ext .sql -r tests/
}

command=${1:-}
shift || true
case "$command" in
    test) run_tests ;;
    migrate) migrate "$(database_url)" ;;
    db)
        url=$(database_url)
        migrate "$url"
        init_settings "$url"
        ;;
    create-user) create_user "$(database_url)" ;;
    psql) exec "$(client_bindir)/psql" -X -d "$(database_url)" "$@" ;;
    url) database_url ;;
    stop | clean)
        data=$(dev_data)
        stop_cluster "$data"
        if [ "$command" = clean ]; then
            # Only a folder that holds a cluster: DEV_PGDATA may be any path.
            if [ -f "$data/PG_VERSION" ]; then rm -rf "$data"; fi
            rm -rf "$(dev_socket_dir)"
        fi
        ;;
    *)
        sed -n '2,11p' scripts/pg.sh >&2
        exit 2
        ;;
esac

#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster.
#
#   scripts/with-postgres.sh uv run pytest
#
# Finds the server binaries (PATH, then /usr/lib/postgresql/*/bin), creates a
# cluster in a temporary directory listening only on a unix socket, exports
# DATABASE_URL for the command, and always stops and removes the cluster.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

find_bindir() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if ! PG_BIN="$(find_bindir)"; then
    echo "PostgreSQL server binaries not found: install postgresql (e.g. apt-get install postgresql)" >&2
    exit 1
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/pg.XXXXXX")"
PG_PORT="${PG_PORT:-$(free_port)}"
PG_USER=postgres

# PostgreSQL refuses to run as root: run the server as an unprivileged account.
AS=()
if [ "$(id -u)" -eq 0 ]; then
    RUN_AS=postgres
    id -u "$RUN_AS" >/dev/null 2>&1 || RUN_AS=nobody
    chown "$RUN_AS" "$PG_DIR"
    chmod 700 "$PG_DIR"
    if command -v runuser >/dev/null 2>&1; then
        AS=(runuser -u "$RUN_AS" --)
    else
        AS=(setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --clear-groups --)
    fi
fi

cleanup() {
    local status=$?
    "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" -A trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 || {
    cat "$PG_DIR/initdb.log" >&2
    exit 1
}
"${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 start \
    -o "-k $PG_DIR -p $PG_PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || {
    cat "$PG_DIR/server.log" >&2
    exit 1
}

export DATABASE_URL="postgresql+asyncpg://$PG_USER@/postgres?host=$PG_DIR&port=$PG_PORT"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on $PG_DIR (port $PG_PORT)" >&2
"$@"

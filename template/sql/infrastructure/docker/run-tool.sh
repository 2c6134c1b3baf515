#!/bin/sh
# scripts/pg.sh runs its tools as `$UV run [--quiet] TOOL ARGS`; in the migration image
# there is no uv and the tools are on PATH, so this runs TOOL ARGS directly.
[ "${1:-}" = run ] && shift
[ "${1:-}" = --quiet ] && shift
exec "$@"

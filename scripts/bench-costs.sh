#!/usr/bin/env bash
# The engine's benchmark on a throwaway PostgreSQL that preloads pg_stat_statements, so that its
# "cost per job" table also counts statements (round trips) per job beside WAL bytes and commits.
#
#   scripts/bench-costs.sh [--jobs 20000 --concurrency 10]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ $# -gt 0 ] || set -- --jobs 20000 --concurrency 10
PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top" \
  exec scripts/pg.sh throwaway jobs_bench scripts/bench.sh "$@"

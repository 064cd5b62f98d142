#!/usr/bin/env bash
# The dashboard with a million jobs: seeds N jobs in mixed states (default 1,000,000) with a week
# of history, starts the dashboard (Release, production settings) and times every page and every
# list call of the API at the client on loopback, the Hangfire Dashboard's pages at /hangfire too.
# Prints p50/p95/max per call, then one JSON line.
#
#   ConnectionStrings__Jobs=... scripts/bench-dashboard.sh [--jobs N] [--rounds R]
#
# Uses (and drops) the schemas dashboard_bench and dashboard_bench_app of that database. Without
# ConnectionStrings__Jobs it starts a throwaway PostgreSQL for the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  exec scripts/pg.sh throwaway jobs_bench "scripts/$(basename "$0")" "$@"
fi

dotnet build src/Dashboard/Dashboard.csproj -c Release -nologo -clp:ErrorsOnly >&2
dotnet build bench/Dashboard/DashboardBench.csproj -c Release -nologo -clp:ErrorsOnly >&2
exec dotnet bench/Dashboard/bin/Release/net10.0/Jobs.Dashboard.Bench.dll --dashboard src/Dashboard/bin/Release/net10.0/Jobs.Dashboard.dll "$@"

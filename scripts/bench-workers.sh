#!/usr/bin/env bash
# Many worker processes on one database: drain throughput with 1, 2 and 4 processes, global and
# per-partition limits across them, and that no job ran twice.
#
#   ConnectionStrings__Jobs=... scripts/bench-workers.sh --jobs 20000 --concurrency 10 --processes 1,2,4
#
# Uses (drops and recreates) the schema `jobs_workers`. Without ConnectionStrings__Jobs it starts a
# throwaway PostgreSQL for the run. Prints a table and, as its last line, one JSON array; exits 1 when
# a limit was exceeded or a job ran twice or never.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  exec scripts/pg.sh throwaway jobs_bench "scripts/$(basename "$0")" "$@"
fi

dotnet build bench/Workers/WorkersBench.csproj -c Release -nologo -clp:ErrorsOnly >&2
exec dotnet bench/Workers/bin/Release/net10.0/Jobs.Workers.Bench.dll "$@"

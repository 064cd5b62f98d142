#!/usr/bin/env bash
# The engine's benchmark: bulk and single enqueue, drain, pickup latency.
#
#   ConnectionStrings__Jobs=... scripts/bench.sh --jobs 20000 --concurrency 10
#
# Needs an empty database (it creates and truncates the `jobs` schema). Without
# ConnectionStrings__Jobs it starts a throwaway PostgreSQL for the run. Prints a table and, as its
# last line, one JSON object (the contract of ../shared/bench/compare.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  exec scripts/pg.sh throwaway jobs_bench "scripts/$(basename "$0")" "$@"
fi

dotnet build bench/Bench.csproj -c Release -nologo -clp:ErrorsOnly >&2
exec dotnet bench/bin/Release/net10.0/Jobs.Bench.dll "$@"

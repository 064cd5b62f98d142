#!/usr/bin/env bash
# Inventory reconciliation at scale: seeds N SKUs of stock (default 1,000,000) and a count snapshot
# with a realistic share of differences, runs one inventory.reconcile job through a real worker
# host, and prints the time per phase and in total, then the same snapshot again (a no-op).
#
#   ConnectionStrings__Jobs=... scripts/bench-inventory.sh [--skus N]
#
# Uses (and drops) the schemas inventory_bench and inventory_bench_app of that database. Without
# ConnectionStrings__Jobs it starts a throwaway PostgreSQL for the run. The last line is one JSON object.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  exec scripts/pg.sh throwaway jobs_bench "scripts/$(basename "$0")" "$@"
fi

dotnet build bench/Inventory/InventoryBench.csproj -c Release -nologo -clp:ErrorsOnly >&2
dotnet bench/Inventory/bin/Release/net10.0/Jobs.Inventory.Bench.dll "$@"

#!/usr/bin/env bash
# Hangfire's API on the engine beside Hangfire.PostgreSql, on one throwaway PostgreSQL:
#
#   scripts/bench-hangfire.sh [--jobs 20000] [--concurrency 10]
#
# bench/Hangfire measures Hangfire's client through UseJobsStorage and the drain of Hangfire
# method-call jobs by the engine's server (AddHangfireJobs); ../shared/bench/peers/hangfire measures
# the same job with Hangfire.PostgreSql and its BackgroundJobServer (built into a temporary folder;
# skipped when that folder is absent), in the same database (its tables are in schema hangfire).
# Prints both tables and the ratios.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  exec scripts/pg.sh throwaway jobs_bench "scripts/$(basename "$0")" "$@"
fi
jobs=20000 concurrency=10
while [ $# -gt 0 ]; do
  case $1 in
    --jobs) jobs=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    *) echo "bench-hangfire.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/jobs-bench-hangfire.XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet build bench/Hangfire/HangfireBench.csproj -c Release -nologo -clp:ErrorsOnly >&2
dotnet bench/Hangfire/bin/Release/net10.0/Jobs.HangfireBench.dll --jobs "$jobs" --concurrency "$concurrency" | tee "$work/ours.txt"

peer=../shared/bench/peers/hangfire
if [ ! -f "$peer/Program.cs" ]; then
  echo "bench-hangfire.sh: $peer is missing; the Hangfire.PostgreSql figures are skipped" >&2
  exit 0
fi
cp "$peer/Program.cs" "$peer/HangfireBench.csproj" "$work/"
(cd "$work" && dotnet build -c Release -o "$work/peer" --nologo -clp:ErrorsOnly >&2)
echo
echo "Hangfire.PostgreSql 1.21.1 with its BackgroundJobServer (../shared/bench/peers/hangfire)"
dotnet "$work/peer/HangfireBench.dll" all --n "$jobs" --concurrency "$concurrency" --conn "$ConnectionStrings__Jobs" | tee "$work/peer.txt"

python3 - "$work/ours.txt" "$work/peer.txt" <<'PY'
import json, sys
ours = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
peer = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
print()
print("ratio, engine / Hangfire.PostgreSql (throughput: higher is better; latency: lower)")
for key, label in [("enqueue_single_per_s", "client enqueue, one at a time"), ("enqueue_bulk_per_s", "client enqueue, parallel"),
                   ("drain_per_s", "drain")]:
    print(f"  {label:32} {ours[key]:>10,.0f} vs {peer[key]:>8,.0f}   {ours[key] / peer[key]:6.1f}x")
for p in ("p50", "p99"):
    print(f"  pickup latency {p:17} {ours['latency_ms'][p]:>10.2f} vs {peer['latency_ms'][p]:>8.2f}   {ours['latency_ms'][p] / peer['latency_ms'][p]:6.2f}x")
PY

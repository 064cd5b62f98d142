#!/usr/bin/env bash
# Runs the product: the worker and the dashboard, against the PostgreSQL in ConnectionStrings__Jobs,
# or, when that is unset, a local one started here with its data under .local/pg (kept between runs).
#
#   scripts/run.sh                 start everything; Ctrl+C stops it
#   DASHBOARD_PORT=5080 scripts/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p .local/logs

dashboard_port=${DASHBOARD_PORT:-5080}
started_pg=""
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$started_pg" ]; then scripts/pg.sh stop .local/pg; echo "run.sh: stopped the local PostgreSQL (data kept in .local/pg)"; fi
}
trap cleanup EXIT INT TERM

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  port=${JOBS_PG_PORT:-55440}
  echo "run.sh: starting a local PostgreSQL on 127.0.0.1:$port (data in .local/pg)"
  scripts/pg.sh start .local/pg "$port" jobs
  started_pg=1
  export ConnectionStrings__Jobs
  ConnectionStrings__Jobs=$(scripts/pg.sh url "$port" jobs)
fi

# Webhook secrets are encrypted at rest under a key the worker requires: a local one, made once and
# kept in .local (never committed). Local runs may deliver to receivers on loopback (the sandbox).
if [ -z "${App__Webhooks__SecretKey:-}" ]; then
  [ -s .local/webhook-secret.key ] || head -c 32 /dev/urandom | base64 > .local/webhook-secret.key
  export App__Webhooks__SecretKey
  App__Webhooks__SecretKey=$(cat .local/webhook-secret.key)
fi
export App__Webhooks__AllowLoopback=${App__Webhooks__AllowLoopback:-true}

echo "run.sh: building"
dotnet build Jobs.sln -c Release -nologo -v q -clp:"ErrorsOnly;NoSummary"

dotnet src/Worker/bin/Release/net10.0/Jobs.Worker.dll > >(tee .local/logs/worker.log | sed -u 's/^/worker    | /') 2>&1 &
pids+=($!)
ASPNETCORE_URLS="http://127.0.0.1:$dashboard_port" dotnet src/Dashboard/bin/Release/net10.0/Jobs.Dashboard.dll \
  > >(tee .local/logs/dashboard.log | sed -u 's/^/dashboard | /') 2>&1 &
pids+=($!)

enqueue="select jobs.enqueue('diag.sleep', '{\\\"ms\\\": 500}')"
[ -n "$started_pg" ] && enqueue="psql -h 127.0.0.1 -p $port -U postgres -d jobs -c \"$enqueue\""
cat <<INFO

  Dashboard   http://127.0.0.1:$dashboard_port/
  Database    $ConnectionStrings__Jobs
  Logs        .local/logs/worker.log  .local/logs/dashboard.log
  Enqueue     $enqueue

  Ctrl+C stops everything.

INFO
wait -n "${pids[@]}"

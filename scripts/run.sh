#!/usr/bin/env bash
# Runs the product: the worker and the dashboard, against the PostgreSQL in ConnectionStrings__Jobs,
# or, when that is unset, a local one started here with its data under .local/pg (kept between runs).
# It also starts the sandbox (a payment gateway speaking Stripe's capture API, a warehouse, a webhook
# receiver, cache targets, all on loopback), points the business jobs at it, and gives each job
# something to do, so every job can be seen running. It prints the dashboard's address, the first
# admin's password, a ready API key with a curl that enqueues a job, and leaves a few failed webhook
# deliveries (a receiver that answers 500 for its first minutes) to requeue from the dashboard.
#
#   scripts/run.sh                 start everything; Ctrl+C stops it
#   DASHBOARD_PORT=5080 SANDBOX_PORT=5090 RUN_DEMO=0 scripts/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p .local/logs

dashboard_port=${DASHBOARD_PORT:-5080}
worker_port=${WORKER_PORT:-5081}
sandbox_port=${SANDBOX_PORT:-5090}
sandbox="http://127.0.0.1:$sandbox_port/"
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

# The business jobs talk to the sandbox unless told otherwise.
export App__Payments__GatewayUrl=${App__Payments__GatewayUrl:-${sandbox}gateway/}
export App__Payments__ApiKey=${App__Payments__ApiKey:-sk_test_sandbox}
export App__Inventory__WarehouseUrl=${App__Inventory__WarehouseUrl:-${sandbox}warehouse/}
export App__CacheWarming__Sitemaps__0=${App__CacheWarming__Sitemaps__0:-${sandbox}cache/sitemap.xml}
export App__Backups__TargetDirectory=${App__Backups__TargetDirectory:-$root/.local/backups}
export Demo__SandboxUrl=$sandbox
mkdir -p "$App__Backups__TargetDirectory"

echo "run.sh: building"
dotnet build Jobs.sln -c Release -nologo -v q -clp:"ErrorsOnly;NoSummary"

# Readable log lines at a terminal (production writes JSON lines); the worker's health and metrics port.
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}
export Worker__Urls=${Worker__Urls:-http://127.0.0.1:$worker_port}

# The dashboard runs over plain HTTP here, so its cookies must not require HTTPS.
export Dashboard__SecureCookies=${Dashboard__SecureCookies:-false}

# The first admin: 'admin' with a password generated once and kept in .local/admin-password.
[ -s .local/admin-password ] || head -c 18 /dev/urandom | base64 | tr '+/' '-_' > .local/admin-password
chmod 600 .local/admin-password
admin_note="admin / $(cat .local/admin-password)   (password in .local/admin-password)"
if ! created=$(JOBS_ADMIN_PASSWORD=$(cat .local/admin-password) dotnet src/Dashboard/bin/Release/net10.0/Jobs.Dashboard.dll create-admin admin 2>&1); then
  if [[ "$created" == *"already exists"* ]]; then
    echo "run.sh: operator 'admin' exists already"
  else
    echo "$created"
    admin_note="could not create 'admin' (see above); create one with: dotnet src/Dashboard/bin/Release/net10.0/Jobs.Dashboard.dll create-admin <name>"
  fi
else
  echo "run.sh: created the first admin, 'admin'"
fi

dotnet src/Sandbox/bin/Release/net10.0/Jobs.Sandbox.dll --urls "http://127.0.0.1:$sandbox_port" \
  > >(tee .local/logs/sandbox.log | sed -u 's/^/sandbox   | /') 2>&1 &
pids+=($!)
dotnet src/Worker/bin/Release/net10.0/Jobs.Worker.dll > >(tee .local/logs/worker.log | sed -u 's/^/worker    | /') 2>&1 &
pids+=($!)
ASPNETCORE_URLS="http://127.0.0.1:$dashboard_port" dotnet src/Dashboard/bin/Release/net10.0/Jobs.Dashboard.dll \
  > >(tee .local/logs/dashboard.log | sed -u 's/^/dashboard | /') 2>&1 &
pids+=($!)

enqueue="select jobs.enqueue('diag.sleep', '{\\\"ms\\\": 500}')"
[ -n "$started_pg" ] && enqueue="psql -h 127.0.0.1 -p $port -U postgres -d jobs -c \"$enqueue\""
# A ready API key (operator) for the HTTP API and docs/api.md's examples: made once and kept in
# .local/api-key; made again when the database no longer knows it (a fresh database).
dashboard="http://127.0.0.1:$dashboard_port"
for _ in $(seq 1 150); do curl -fs "$dashboard/health/live" >/dev/null 2>&1 && break; sleep 0.2; done
key=""
[ -s .local/api-key ] && key=$(cat .local/api-key)
if [ -z "$key" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' "$dashboard/api/v1/jobs?limit=1" -H "Authorization: Bearer $key")" != 200 ]; then
  if made=$(dotnet src/Dashboard/bin/Release/net10.0/Jobs.Dashboard.dll create-api-key --name "run.sh" --role operator 2>&1); then
    key=$(printf '%s\n' "$made" | sed -n 's/^Key (shown once): //p')
    (umask 077; printf '%s\n' "$key" > .local/api-key)
  else
    echo "$made"
    key=""
  fi
fi
if [ -n "$key" ]; then
  api_note="$key   (operator; kept in .local/api-key)"
  try_note="curl -s $dashboard/api/v1/jobs -H 'Authorization: Bearer $key' -H 'Content-Type: application/json' -d '{\"kind\": \"diag.sleep\", \"args\": {\"ms\": 500}}'"
  docs_note="export JOBS=$dashboard KEY=$key   # then the examples of docs/api.md run as written"
else
  api_note="could not make one (see above)"; try_note="-"; docs_note="-"
fi

cat <<INFO

  Dashboard   http://127.0.0.1:$dashboard_port/
  Sign in     $admin_note
  Worker      $Worker__Urls/health   $Worker__Urls/metrics
  Sandbox     $sandbox  (gateway/, warehouse/, receiver/demo, cache/)
  Database    $ConnectionStrings__Jobs
  Logs        .local/logs/worker.log  .local/logs/dashboard.log  .local/logs/sandbox.log
  Backups     $App__Backups__TargetDirectory
  API key     $api_note
  Try         $try_note
  Docs        $docs_note
  Enqueue     $enqueue

  Ctrl+C stops everything.

INFO
if [ "${RUN_DEMO:-1}" = 1 ]; then
  # Give every business job something to do once the sandbox answers.
  for _ in $(seq 1 100); do curl -fs "$sandbox" >/dev/null 2>&1 && break; sleep 0.2; done
  dotnet src/Worker/bin/Release/net10.0/Jobs.Worker.dll demo 2>&1 | sed -u 's/^/demo      | /' || echo "run.sh: the demo could not enqueue its jobs (see above)"
fi
wait -n "${pids[@]}"

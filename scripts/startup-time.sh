#!/usr/bin/env bash
# Start-up time of each host: from process start to /health/ready answering 200, against a
# migrated schema (one warm-up start migrates it and is not counted), and the CPU time the process
# spent until then (user + system), which a loaded machine disturbs less than the wall time.
#
#   scripts/startup-time.sh [RUNS]      (default 5; builds nothing: run after a Release build)
#
# Without ConnectionStrings__Jobs it starts a throwaway PostgreSQL for the run. Prints one line per
# host with the median, min and max in milliseconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  exec scripts/pg.sh throwaway jobs_startup "scripts/$(basename "$0")" "$@"
fi
runs=${1:-5}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

export App__Webhooks__SecretKey=${App__Webhooks__SecretKey:-$(head -c 32 /dev/urandom | base64)}
export Dashboard__SecureCookies=false

# Prints "WALL CPU": milliseconds until /health/ready answered 200, and CPU milliseconds used by then;
# the host is stopped (SIGTERM) after.
measure() {
  local dll=$1 port=$2 started pid code=000
  started=$(now_ms)
  case "$dll" in
    *Worker*) Worker__Urls="http://127.0.0.1:$port" dotnet "$dll" >/dev/null 2>&1 & ;;
    *) Urls="http://127.0.0.1:$port" dotnet "$dll" >/dev/null 2>&1 & ;;
  esac
  pid=$!
  for _ in $(seq 1 3000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)
    [ "$code" = 200 ] && break
    sleep 0.01
  done
  local elapsed=$(( $(now_ms) - started )) ticks
  ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$code" = 200 ] || { echo "startup-time.sh: $dll never became ready" >&2; return 1; }
  echo "$elapsed $(( ticks * 1000 / $(getconf CLK_TCK) ))"
}

for host in Worker Dashboard; do
  dll=src/$host/bin/Release/net10.0/Jobs.$host.dll
  [ -f "$dll" ] || { echo "startup-time.sh: $dll is missing: dotnet build Jobs.sln -c Release" >&2; exit 1; }
  measure "$dll" "$(free_port)" >/dev/null  # warm-up: migrates the schemas
  walls=() cpus=()
  for _ in $(seq 1 "$runs"); do
    read -r wall cpu < <(measure "$dll" "$(free_port)")
    walls+=("$wall") cpus+=("$cpu")
  done
  median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
  echo "$host: start to ready $(median "${walls[@]}") ms median of $runs (${walls[*]}), CPU $(median "${cpus[@]}") ms (${cpus[*]})"
done

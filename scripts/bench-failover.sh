#!/usr/bin/env bash
# Failover to a promoted streaming replica, with asynchronous and with synchronous replication.
#
#   scripts/bench-failover.sh [--before 5] [--after 10] [--rate 200] [--host-recheck 1] [--modes async,sync]
#
# For each mode: a throwaway primary and a replica of it (pg_basebackup, scripts/pg.sh replica); in sync
# mode the primary sets synchronous_standby_names = '*' (synchronous_commit stays on, so a commit waits
# for the replica's flush). bench/Failover enqueues and drains through Host=primary,replica;Target
# Session Attributes=primary, stops the primary in immediate mode mid-run, promotes the replica, and
# prints the seconds of unavailability, the acknowledged jobs lost and those that never finished.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

modes=async,sync
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --modes) modes=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

dotnet build bench/Failover/FailoverBench.csproj -c Release -nologo -clp:ErrorsOnly >&2
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for mode in ${modes//,/ }; do
  work=$(mktemp -d /tmp/jobs-failover.XXXXXX)
  chmod 755 "$work"
  trap 'scripts/pg.sh stop "$work/primary" immediate; scripts/pg.sh stop "$work/replica"; rm -rf "$work"' EXIT
  primary=$(free_port)
  replica=$(free_port)
  scripts/pg.sh start "$work/primary" "$primary" jobs_failover >&2
  scripts/pg.sh replica "$work/replica" "$replica" "$primary" >&2
  if [ "$mode" = sync ]; then
    psql -h 127.0.0.1 -p "$primary" -U postgres -d postgres -qc "alter system set synchronous_standby_names = '*'" -c "select pg_reload_conf()" >/dev/null
  fi
  dotnet bench/Failover/bin/Release/net10.0/Jobs.Failover.Bench.dll --primary-dir "$work/primary" --replica-dir "$work/replica" \
    --primary-port "$primary" --replica-port "$replica" --db jobs_failover --label "$mode" ${args[@]+"${args[@]}"}
  scripts/pg.sh stop "$work/primary" immediate
  scripts/pg.sh stop "$work/replica"
  rm -rf "$work"
  trap - EXIT
done

#!/usr/bin/env bash
# A local PgBouncer in front of a local PostgreSQL (see scripts/pg.sh), for tests and benchmarks,
# from Debian's pgbouncer package (apt-get install pgbouncer).
#
#   scripts/pgbouncer.sh start DIR PORT PGPORT [MODE [POOL]]
#                                                        start a pgbouncer with its files under DIR, listening
#                                                        on 127.0.0.1:PORT, pooling every database of the
#                                                        PostgreSQL on 127.0.0.1:PGPORT in MODE
#                                                        (transaction, the default; session; statement) with
#                                                        at most POOL server connections per database (40)
#   scripts/pgbouncer.sh stop DIR                        stop it
#   scripts/pgbouncer.sh url PORT [DB]                   print the Npgsql connection string through it
#
# The configuration is stock apart from what a local, trust-authenticated server needs (addresses,
# auth_type = trust, the pool mode, room for the tests' connections): no ignore_startup_parameters,
# no connect_query, no prepared-statement tracking. As root, pgbouncer runs as the `postgres` OS user
# (it refuses to run as root).
set -euo pipefail

bin() {
  local path
  path=$(command -v pgbouncer || true)
  [ -z "$path" ] && [ -x /usr/sbin/pgbouncer ] && path=/usr/sbin/pgbouncer
  if [ -z "$path" ]; then
    echo "pgbouncer.sh: pgbouncer not found; install it (apt-get install pgbouncer)" >&2
    return 1
  fi
  echo "$path"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1 port=$2 pgport=$3 mode=${4:-transaction} pool=${5:-40} exe
  exe=$(bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$dir"
  fi
  if [ -f "$dir/pgbouncer.pid" ] && kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null; then
    return 0
  fi
  # trust: no password is checked, but the user must be listed in the auth file.
  echo '"postgres" ""' >"$dir/users.txt"
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$pgport

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir = $dir
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
auth_type = trust
auth_file = $dir/users.txt
pool_mode = $mode
max_client_conn = 1000
default_pool_size = $pool
EOF
  [ "$(id -u)" = 0 ] && chown postgres "$dir/pgbouncer.ini" "$dir/users.txt"
  as_pg "$exe" -d -q "$dir/pgbouncer.ini" || { tail -20 "$dir/pgbouncer.log" >&2 2>/dev/null; return 1; }
  for _ in $(seq 1 50); do
    if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$port)))" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "pgbouncer.sh: pgbouncer did not start listening on 127.0.0.1:$port" >&2
  tail -20 "$dir/pgbouncer.log" >&2 2>/dev/null || true
  return 1
}

stop() {
  local dir=$1 pid
  [ -f "$dir/pgbouncer.pid" ] || return 0
  pid=$(cat "$dir/pgbouncer.pid")
  kill -INT "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

url() {
  echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=${2:-jobs}"
}

cmd=${1:-}
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  url) url "$@" ;;
  *) echo "usage: scripts/pgbouncer.sh start DIR PORT PGPORT [MODE] | stop DIR | url PORT [DB]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Local PostgreSQL for development, tests and benchmarks, from the Debian/Ubuntu server packages.
#
#   scripts/pg.sh start DIR PORT [DB]   init (once) and start a server with its data under DIR,
#                                       listening on 127.0.0.1:PORT; create DB if missing
#   scripts/pg.sh stop DIR [MODE]       stop it (pg_ctl's mode: fast, the default; immediate is a crash)
#   scripts/pg.sh url PORT [DB]         print the Npgsql connection string
#   scripts/pg.sh throwaway DB CMD...   run CMD with ConnectionStrings__Jobs set to a server started
#                                       for it on a free port (data in a temporary folder, removed after)
#   scripts/pg.sh replica DIR PORT PRIMARY_PORT
#                                       a streaming replica (hot standby) of the server on 127.0.0.1:PRIMARY_PORT,
#                                       copied with pg_basebackup into DIR and started on 127.0.0.1:PORT
#   scripts/pg.sh promote DIR           promote that replica to a primary (waits until it accepts writes)
#
# PG_OPTIONS adds server settings at start, e.g. PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements".
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` OS user.
set -euo pipefail

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$dir" ] && command -v pg_config >/dev/null; then dir=$(pg_config --bindir); fi
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "pg.sh: PostgreSQL server binaries not found; install them (apt-get install postgresql)" >&2
    return 1
  fi
  echo "$dir"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Creates DIR for a server's files, owned by the postgres user when root; prints its absolute path.
own_dir() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$dir"
    chmod 700 "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "pg.sh: the postgres user cannot reach $dir (a parent folder is closed to it); use a folder under /tmp or /work" >&2
      return 1
    fi
  fi
  echo "$dir"
}

# Starts the server of DIR/data on 127.0.0.1:PORT unless it runs.
run_server() {
  local bin=$1 dir=$2 port=$3
  if ! as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/data -c max_connections=300 -c fsync=${PG_FSYNC:-on} ${PG_OPTIONS:-}" >/dev/null \
      || { tail -20 "$dir/data/server.log" >&2; return 1; }
  fi
}

start() {
  local dir=$1 port=$2 db=${3:-jobs} bin
  bin=$(pg_bin)
  dir=$(own_dir "$dir")
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -m 700 "$dir/data"; else install -d -m 700 "$dir/data"; fi
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  run_server "$bin" "$dir" "$port"
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1 \
    || "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database \"$db\"" >/dev/null
}

stop() {
  local dir=$1 mode=${2:-fast} bin
  bin=$(pg_bin)
  [ -f "$dir/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m "$mode" -w stop >/dev/null 2>&1 || true
}

url() {
  echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=${2:-jobs}"
}

throwaway() {
  local db=$1 port
  shift
  work=$(mktemp -d /tmp/jobs-pg.XXXXXX)  # global: the EXIT trap reads it
  chmod 755 "$work"  # the server runs as its own user and must reach its data folder
  trap 'stop "$work/pg"; rm -rf "$work"' EXIT
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  start "$work/pg" "$port" "$db" >&2
  ConnectionStrings__Jobs=$(url "$port" "$db") "$@"
}

replica() {
  local dir=$1 port=$2 primary=$3 bin
  bin=$(pg_bin)
  dir=$(own_dir "$dir")
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    # -R writes standby.signal and primary_conninfo: the copy starts as a standby streaming from the primary.
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres -D "$dir/data" -X stream -R -c fast >"$dir/basebackup.log" 2>&1 \
      || { cat "$dir/basebackup.log" >&2; return 1; }
    rm -f "$dir/data/server.log"
  fi
  # hot_standby is on by default: the replica answers reads.
  run_server "$bin" "$dir" "$port"
}

promote() {
  local dir=$1 bin
  bin=$(pg_bin)
  as_pg "$bin/pg_ctl" -D "$dir/data" -w -t 60 promote >/dev/null
}

cmd=${1:-}
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  url) url "$@" ;;
  throwaway) throwaway "$@" ;;
  replica) replica "$@" ;;
  promote) promote "$@" ;;
  *) echo "usage: scripts/pg.sh start DIR PORT [DB] | stop DIR [MODE] | url PORT [DB] | throwaway DB CMD... | replica DIR PORT PRIMARY_PORT | promote DIR" >&2; exit 2 ;;
esac

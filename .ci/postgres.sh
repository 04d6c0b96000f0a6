#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the storage tests and print its URL.
# Usage: eval "$(bash .ci/postgres.sh start)"   ...   bash .ci/postgres.sh stop
set -euo pipefail
PGPORT="${INTEROP_PG_PORT:-55432}"
PGDATA="${INTEROP_PG_DATA:-/tmp/interop-pg-data}"
PGLOG="/tmp/interop-pg.log"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$dir" ]; then
    if command -v apt-get >/dev/null; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/tmp/interop-pg-install.log 2>&1
      dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    else
      echo "PostgreSQL is not installed and apt-get is not available" >&2; exit 1
    fi
  fi
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "${1:-start}" in
  start)
    BIN=$(pg_bin)
    if [ -f "$PGDATA/postmaster.pid" ]; then as_postgres "$BIN/pg_ctl -D $PGDATA stop -m fast" >/dev/null 2>&1 || true; fi
    rm -rf "$PGDATA"; mkdir -p "$PGDATA"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDATA"
    as_postgres "$BIN/initdb -D $PGDATA -U postgres --auth=trust -E UTF8" >/dev/null
    as_postgres "$BIN/pg_ctl -D $PGDATA -l $PGLOG -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' -w start" >/dev/null
    as_postgres "$BIN/psql -h 127.0.0.1 -p $PGPORT -U postgres -c \"CREATE USER interop WITH PASSWORD 'interop' CREATEDB\"" >/dev/null
    as_postgres "$BIN/psql -h 127.0.0.1 -p $PGPORT -U postgres -c 'CREATE DATABASE interop OWNER interop'" >/dev/null
    echo "export INTEROP_TEST_POSTGRES_URL=postgresql://interop:interop@127.0.0.1:$PGPORT/interop"
    ;;
  stop)
    BIN=$(pg_bin)
    as_postgres "$BIN/pg_ctl -D $PGDATA stop -m fast" >/dev/null 2>&1 || true
    ;;
esac

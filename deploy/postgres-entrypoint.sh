#!/bin/sh
# Entry point of interop/postgres:local (deploy/base-images.sh): the part of the official postgres
# image's interface that compose.yaml uses, so either image works there.
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default = user),
#   POSTGRES_HOST_AUTH_METHOD (default scram-sha-256 with a password, else trust), PGDATA.
set -eu
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
USER_NAME="${POSTGRES_USER:-postgres}"
DB_NAME="${POSTGRES_DB:-$USER_NAME}"

if [ "${1:-postgres}" != postgres ]; then exec "$@"; fi
shift || true

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" postgres "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  method="${POSTGRES_HOST_AUTH_METHOD:-}"
  if [ -z "$method" ]; then
    if [ -n "${POSTGRES_PASSWORD:-}" ]; then method=scram-sha-256; else method=trust; fi
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-postgres}" >"$pwfile"
  "$BIN/initdb" -D "$PGDATA" -U "$USER_NAME" -E UTF8 --auth-local=trust --auth-host="$method" \
    --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all $method" >>"$PGDATA/pg_hba.conf"
  if [ "$DB_NAME" != postgres ]; then
    "$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses='' -k /var/run/postgresql" -w start >/dev/null
    "$BIN/psql" -h /var/run/postgresql -U "$USER_NAME" -d postgres -v ON_ERROR_STOP=1 -q \
      -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$USER_NAME\""
    "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "postgres-entrypoint: initialised $PGDATA (user $USER_NAME, database $DB_NAME)"
fi
exec "$BIN/postgres" -D "$PGDATA" -k /var/run/postgresql "$@"

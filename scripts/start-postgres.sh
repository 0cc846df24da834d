#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster on loopback for the store tests; prints its URL.
#   export INTERVIEWER_TEST_DATABASE_URL=$(scripts/start-postgres.sh)
# Test-only cluster: trust auth on 127.0.0.1, fsync=off for speed. Idempotent: a running cluster is reused. Stop it with: scripts/start-postgres.sh stop
set -euo pipefail

PGDATA="${PGDATA_DIR:-/tmp/interviewer-pgdata}"
PORT="${PGPORT_TEST:-54329}"
DB="${PGDATABASE_TEST:-interviewer_test}"
LOG="${PGDATA}.log"

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
else
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir="$d"; done
fi
if [ -z "$bindir" ]; then
  echo "PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2
  exit 1
fi

# The server refuses to run as root: run it as the postgres user (or as ourselves when not root).
if [ "$(id -u)" = "0" ]; then
  owner="postgres"
  as_owner() { su "$owner" -s /bin/sh -c "$*"; }
else
  owner="$(id -un)"
  as_owner() { sh -c "$*"; }
fi

if [ "${1:-}" = "stop" ]; then
  as_owner "'$bindir/pg_ctl' -D '$PGDATA' -m fast stop" >&2 || true
  exit 0
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown "$owner" "$PGDATA" 2>/dev/null || true
  chmod 700 "$PGDATA"
  as_owner "'$bindir/initdb' -D '$PGDATA' -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
fi

if ! as_owner "'$bindir/pg_ctl' -D '$PGDATA' status" >/dev/null 2>&1; then
  touch "$LOG" && chown "$owner" "$LOG" 2>/dev/null || true
  as_owner "'$bindir/pg_ctl' -D '$PGDATA' -l '$LOG' -w -o \"-k /tmp -p $PORT -h 127.0.0.1 -c fsync=off\" start" >/dev/null
fi

for _ in $(seq 1 50); do
  "$bindir/pg_isready" -h 127.0.0.1 -p "$PORT" -q && break
  sleep 0.2
done
if ! "$bindir/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  "$bindir/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi
echo "postgresql://postgres@127.0.0.1:$PORT/$DB"

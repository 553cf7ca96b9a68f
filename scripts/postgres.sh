#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the test suite (the scenario store and the
# warehouse path of the audience baselines run against it).
#
#   scripts/postgres.sh start   install Debian's postgresql if missing, start a private cluster
#                               on 127.0.0.1:$ROI_PG_PORT and print its SQLAlchemy URL
#   scripts/postgres.sh stop    stop it
#   scripts/postgres.sh url     print the URL
#
# The cluster lives in $ROI_PG_DIR (default /tmp/roi-pg-$ROI_PG_PORT), trusts local connections
# and holds one database, roi_test, owned by the role roi. Nothing else on the machine changes.
set -euo pipefail
PORT="${ROI_PG_PORT:-55432}"
DIR="${ROI_PG_DIR:-/tmp/roi-pg-$PORT}"
URL="postgresql+psycopg://roi@127.0.0.1:$PORT/roi_test"

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

install() {
  [ -n "$(pg_bin)" ] && return 0
  echo "Installing PostgreSQL (Debian package postgresql)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: postgresql missing and not root; install it with apt-get" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q --no-install-recommends postgresql >&2
}

# initdb and postgres refuse to run as root: run them as the postgres system user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  install
  local bin; bin=$(pg_bin)
  if [ -f "$DIR/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    echo "$URL"; return 0
  fi
  if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
    as_owner "$bin/initdb" -D "$DIR" -U roi --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR.initdb.log" 2>&1 \
      || { cat "$DIR.initdb.log" >&2; exit 1; }
  fi
  as_owner "$bin/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c max_connections=100 -c fsync=off" start >&2 \
    || { cat "$DIR/server.log" >&2; exit 1; }
  "$bin/psql" -h 127.0.0.1 -p "$PORT" -U roi -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='roi_test'" \
    | grep -q 1 || "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U roi roi_test
  echo "$URL"
}

stop() {
  local bin; bin=$(pg_bin) || exit 0
  [ -f "$DIR/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$DIR" -m fast -w stop >&2 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

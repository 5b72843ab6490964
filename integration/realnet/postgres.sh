#!/usr/bin/env bash
# realnet add-on (intake, issue 17): a PostgreSQL of our own on 127.0.0.1:5411 for mtasts-it's
# PostgresStoreRealnetIT (mtasts-intake's JdbcReportStore). Not the machine's cluster, not 5432.
#
#   postgres.sh start   initdb (once) and start; writes postgres/postgres.properties
#   postgres.sh stop    stop it by the postmaster's PID
#
# State: $REALNET_DIR/postgres/ (data directory, socket, log, password of user tlsrpt).
set -euo pipefail
STATE=${REALNET_DIR:-/tmp/realnet}
D=$STATE/postgres
PORT=5411
[ "$(id -u)" = 0 ] || { echo "postgres.sh: run as root" >&2; exit 1; }
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

stop() {
  local f=$D/data/postmaster.pid pid i
  rm -f "$D/postgres.properties"
  [ -s "$f" ] || { echo "postgres: not running"; return 0; }
  pid=$(head -1 "$f" | tr -dc 0-9)
  if [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$D/data"; then
    kill -INT "$pid" 2>/dev/null || true     # fast shutdown
    for i in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; echo "postgres: killed $pid"; else echo "postgres: stopped $pid"; fi
  else
    echo "postgres: not running"
  fi
}

start() {
  [ -n "$BIN" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  stop >/dev/null
  mkdir -p "$D"
  chown postgres:postgres "$D"
  if [ ! -s "$D/password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$D/password")
  fi
  if [ ! -s "$D/data/PG_VERSION" ]; then
    rm -rf "$D/data"
    install -o postgres -g postgres -m 600 "$D/password" "$D/pwfile"
    su postgres -s /bin/sh -c "'$BIN/initdb' -D '$D/data' -U tlsrpt --pwfile='$D/pwfile' -A scram-sha-256 -E UTF8 --no-locale" \
      > "$D/initdb.log" 2>&1 || { echo "initdb failed, see $D/initdb.log" >&2; exit 1; }
    rm -f "$D/pwfile"
  fi
  su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$D/data' -l '$D/postgres.log' -w -t 30 \
    -o \"-p $PORT -c listen_addresses=127.0.0.1 -k '$D'\" start" > /dev/null \
    || { echo "postgres did not start, see $D/postgres.log" >&2; exit 1; }
  {
    echo "# realnet add-on postgres.sh: written once PostgreSQL answered; deleted by postgres.sh stop"
    echo "url=jdbc:postgresql://127.0.0.1:$PORT/postgres"
    echo "user=tlsrpt"
    echo "password.file=$D/password"
  } > "$D/postgres.properties.tmp"
  mv "$D/postgres.properties.tmp" "$D/postgres.properties"
  echo "postgres: started $(head -1 "$D/data/postmaster.pid") on 127.0.0.1:$PORT"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 64 ;;
esac

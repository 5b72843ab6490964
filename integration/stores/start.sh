#!/usr/bin/env bash
# Starts PostgreSQL 15 and Redis 7 (Debian 12 packages) on loopback, on their default ports, with
# their own data under $STORES_DIR (default /tmp/stores), for the *StoreIT tests and the store
# benchmarks; writes $STORES_DIR/stores.properties with their URLs. Installs the packages if they
# are missing (as root). Stop them with stop.sh (by their PID files).
set -euo pipefail
STORES_DIR=${STORES_DIR:-/tmp/stores}
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

if [ ! -x "$PG_BIN/postgres" ] || ! command -v redis-server >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "postgresql-15 or redis-server missing; install them as root" >&2; exit 1; }
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 redis-server >/dev/null; }
  install || { apt-get update >/dev/null && install; }
fi

mkdir -p "$STORES_DIR"
chmod 755 "$STORES_DIR"
PG_DATA="$STORES_DIR/pgdata"
PG_LOG="$STORES_DIR/postgresql.log"
# PostgreSQL refuses to run as root: its data and log belong to the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  mkdir -p "$PG_DATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
PG_SOCK="$STORES_DIR/pgsock"
mkdir -p "$PG_SOCK"; touch "$PG_LOG"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_LOG" "$PG_SOCK"
if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCK -c max_connections=200 -c fsync=on" start >/dev/null
fi
as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtAc \
  "SELECT 1 FROM pg_database WHERE datname = 'mtasts'" | grep -q 1 \
  || as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres mtasts

if ! { [ -s "$STORES_DIR/redis.pid" ] && kill -0 "$(cat "$STORES_DIR/redis.pid")" 2>/dev/null; }; then
  mkdir -p "$STORES_DIR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$STORES_DIR/redis.pid" \
    --dir "$STORES_DIR/redis" --logfile "$STORES_DIR/redis.log" --save "" --appendonly no
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
fi
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG

cat > "$STORES_DIR/stores.properties" <<PROPS
jdbc.url=jdbc:postgresql://127.0.0.1:$PG_PORT/mtasts
jdbc.user=postgres
jdbc.password=
redis.uri=redis://127.0.0.1:$REDIS_PORT/0
PROPS
echo "stores: PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT ($STORES_DIR/stores.properties)"

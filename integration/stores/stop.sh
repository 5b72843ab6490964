#!/usr/bin/env bash
# Stops the servers of start.sh by their PID files (never by name), and removes the properties file.
set -uo pipefail
STORES_DIR=${STORES_DIR:-/tmp/stores}
rm -f "$STORES_DIR/stores.properties"
if [ -s "$STORES_DIR/redis.pid" ]; then
  pid=$(cat "$STORES_DIR/redis.pid")
  kill "$pid" 2>/dev/null && for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$STORES_DIR/redis.pid"
fi
if [ -s "$STORES_DIR/pgdata/postmaster.pid" ]; then
  pid=$(head -1 "$STORES_DIR/pgdata/postmaster.pid")
  # SIGINT is PostgreSQL's "fast shutdown"; the postmaster stops its own children.
  kill -INT "$pid" 2>/dev/null && for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
echo "stores: stopped"

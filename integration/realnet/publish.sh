#!/usr/bin/env bash
# realnet add-on for `mtasts publish` (issue 16): a separate Knot DNS server that accepts RFC 2136
# dynamic updates signed with a TSIG key (HMAC-SHA256), for one zone, publish.test.
#
#   integration/realnet/publish.sh start    (re)start it: fresh zone, fresh keys, fresh state
#   integration/realnet/publish.sh stop     stop it by its PID file
#   integration/realnet/publish.sh status   exit 0 if it answers
#
# It never touches the core realnet servers (knot 5353, unbound, nginx, postfix): it has its own
# port, 127.0.0.1:5400 (UDP and TCP; the publish range is 127.0.0.1:5400-5409), its own config,
# zone, journal and keys under $REALNET_DIR/publish/ (default /tmp/realnet/publish), and its own
# PID file. setup.sh calls `publish.sh start` at its end and stop.sh calls `publish.sh stop`;
# during development start and stop only this script.
#
# What it writes for the tests (mtasts-it's *RealnetIT read publish.properties):
#   keys/update.key       the update key in BIND form:  key "publish-update" { algorithm ...; secret "..."; };
#   keys/update.knot      the same key as `keymgr -t` prints it (a comment line and Knot YAML)
#   keys/update.line      the same key as one line:    hmac-sha256:publish-update:SECRET
#   keys/wrong.key        a key Knot knows (publish-wrong) but whose ACL does not allow updates
#   keys/bad-secret.key   the update key's name with another secret (the signature fails)
#   publish.properties    server, zone and the paths above
#
# Environment: REALNET_DIR (default /tmp/realnet), PUBLISH_PORT (default 5400).
set -euo pipefail

STATE=${REALNET_DIR:-/tmp/realnet}/publish
PORT=${PUBLISH_PORT:-5400}
ZONE=publish.test
PIDFILE=$STATE/run/knot.pid
CONF=$STATE/knot.conf

log() { printf '[publish] %s\n' "$*"; }
die() { printf '[publish] ERROR: %s\n' "$*" >&2; exit 1; }

answers() {  # true when the server answers an SOA query for the zone over TCP
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || return 1
  command -v kdig >/dev/null 2>&1 || return 0
  kdig +tcp +time=1 +tries=1 @127.0.0.1 -p "$PORT" SOA "$ZONE" 2>/dev/null | grep -q 'status: NOERROR'
}

stop() {
  if [ -s "$PIDFILE" ]; then
    local pid
    pid=$(cat "$PIDFILE")
    # only our knotd: the PID must still be a knotd started with our config (PID reuse)
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "knotd.*$CONF"; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
      log "knotd (pid $pid) stopped"
    fi
    rm -f "$PIDFILE"
  fi
  rm -f "$STATE/publish.properties"
}

secret() { head -c 32 /dev/urandom | base64; }

start() {
  command -v knotd >/dev/null || die "knotd not found: apt-get install -y --no-install-recommends knot"
  stop
  rm -rf "$STATE"
  mkdir -p "$STATE"/{run,db,zones,keys,logs}
  local good wrong other
  good=$(secret); wrong=$(secret); other=$(secret)

  cat > "$STATE/zones/$ZONE.zone" <<EOF
\$ORIGIN $ZONE.
\$TTL 60
@        IN SOA ns.$ZONE. hostmaster.$ZONE. 1 3600 600 86400 60
@        IN NS  ns.$ZONE.
@        IN MX  10 mx1.$ZONE.
ns       IN A   127.0.0.1
mx1      IN A   127.0.0.1
mta-sts  IN A   127.0.0.1
EOF

  cat > "$CONF" <<EOF
server:
    rundir: "$STATE/run"
    pidfile: "$PIDFILE"
    identity: "realnet-publish"
    listen: 127.0.0.1@$PORT
log:
  - target: "$STATE/logs/knot.log"
    any: info
database:
    storage: "$STATE/db"
control:
    listen: "$STATE/run/knot.sock"
key:
  - id: publish-update
    algorithm: hmac-sha256
    secret: $good
  - id: publish-wrong
    algorithm: hmac-sha256
    secret: $wrong
acl:
  - id: update
    key: publish-update
    action: update
  - id: wrong-may-only-transfer
    key: publish-wrong
    action: transfer
template:
  - id: default
    storage: "$STATE/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
    semantic-checks: on
zone:
  - domain: $ZONE
    acl: [ update, wrong-may-only-transfer ]
EOF

  printf 'key "publish-update" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$good" > "$STATE/keys/update.key"
  printf '# hmac-sha256:publish-update:%s\nkey:\n  - id: publish-update\n    algorithm: hmac-sha256\n    secret: %s\n' \
    "$good" "$good" > "$STATE/keys/update.knot"
  printf 'hmac-sha256:publish-update:%s\n' "$good" > "$STATE/keys/update.line"
  printf 'key "publish-wrong" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$wrong" > "$STATE/keys/wrong.key"
  printf 'key "publish-update" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$other" > "$STATE/keys/bad-secret.key"
  chmod 600 "$STATE"/keys/*

  knotc -c "$CONF" conf-check >/dev/null || die "knot config invalid: $CONF"
  knotd -c "$CONF" -d
  for _ in $(seq 1 50); do answers && break; sleep 0.1; done
  answers || die "knotd did not answer on 127.0.0.1:$PORT, see $STATE/logs/knot.log"

  cat > "$STATE/publish.properties.tmp" <<EOF
# written by publish.sh start once knotd answered; deleted by publish.sh stop
server=127.0.0.1:$PORT
zone=$ZONE
key.bind=$STATE/keys/update.key
key.knot=$STATE/keys/update.knot
key.line=$STATE/keys/update.line
key.wrong=$STATE/keys/wrong.key
key.bad-secret=$STATE/keys/bad-secret.key
pid=$(cat "$PIDFILE")
EOF
  mv "$STATE/publish.properties.tmp" "$STATE/publish.properties"
  log "knotd (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT, zone $ZONE, dynamic updates with key publish-update"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers && [ -s "$STATE/publish.properties" ] ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac

#!/usr/bin/env bash
# realnet: our Postfix policy server (mtasts postfix) side by side with the peer's mta-sts-daemon
# (postfix-mta-sts-resolver 1.1.2, 127.0.0.1:8461 in the namespace). Prints two markdown tables:
# the answer per domain from both, each difference explained, and a load run on cached domains
# (50 connections, answers per second, p50/p99, both servers in the same run).
#
#   postfix-compare.sh [MTASTS_JAR]    default: mtasts-cli/target/mtasts.jar (./mvnw -pl mtasts-cli -am package)
#
# Environment: REALNET_DIR (default /tmp/realnet), REALNET_NS (default realnet),
# COMPARE_SECONDS (default 5, per server), COMPARE_CONNECTIONS (default 50).
# Runs PostfixCompare.java (mtasts-it test sources) with the source launcher inside the namespace,
# where our server listens on 127.0.0.1:8463 for the run only. Loopback only. About 30 s.
# Exit status 1 if an answer differs from the peer's without an explanation.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STATE=${REALNET_DIR:-/tmp/realnet}
NS=${REALNET_NS:-realnet}
JAR=${1:-$ROOT/mtasts-cli/target/mtasts.jar}
[ "$(id -u)" = 0 ] || { echo "run as root (ip netns exec)" >&2; exit 2; }
[ -s "$STATE/realnet.properties" ] || { echo "realnet is not up: run setup.sh" >&2; exit 2; }
grep -q '^peer=1' "$STATE/realnet.properties" || { echo "no namespace, no peer: nothing to compare" >&2; exit 2; }
[ -s "$JAR" ] || { echo "no $JAR: ./mvnw -B -pl mtasts-cli -am package -DskipTests" >&2; exit 2; }
DOMAINS=(example.test testing.test none.test crlf.test split-txt.test mixed-txt.test cname-sts.test
  two-sts.test no-sts.test no-id.test bad-id.test nxdomain.test no-policy-host.test redirect.test
  wrong-ctype.test oversized.test http404.test http-only.test expired-cert.test wrong-cert.test
  selfsigned.test nochain.test bad-policy.test mx-mismatch.test bad-mx-cert.test dane.test)
echo "### Postfix policy servers side by side ($(date -u +%FT%TZ), $(nproc) cores)"
echo
exec ip netns exec "$NS" java -XX:+UseParallelGC -cp "$JAR" "$ROOT/mtasts-it/src/test/java/org/mtasts/it/PostfixCompare.java" \
  --peer 127.0.0.1:8461 --listen 127.0.0.1:8463 --dns 127.0.0.2:53 --ca "$STATE/certs/ca.pem" \
  --connections "${COMPARE_CONNECTIONS:-50}" --seconds "${COMPARE_SECONDS:-5}" "${DOMAINS[@]}"

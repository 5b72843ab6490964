#!/usr/bin/env bash
# The README's table "How we differ from postfix-mta-sts-resolver": for every realnet domain, what
# RFC 8461 expects a sender to end up with, what our `mtasts check` finds, and what the peer
# (postfix-mta-sts-resolver's mta-sts-query, run by peer.sh in the namespace) decides through
# Unbound (recursive) and straight from Knot (authoritative only). Cells that differ from the RFC
# are in bold.
#
#   differential.sh [MTASTS_JAR]   default: mtasts-cli/target/mtasts.jar of this checkout
#
# Needs setup.sh to have run (it reads $REALNET_DIR/realnet.properties), java and python3 (a
# dependency of the peer's package). Exit status: 0 if our verdict is the RFC's on every domain,
# 1 if not, 2 if it cannot run. Read-only: sends queries to 127.0.0.0/8 only.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${1:-$ROOT/mtasts-cli/target/mtasts.jar}
STATE=${REALNET_DIR:-/tmp/realnet}
PROPS=$STATE/realnet.properties
die() { printf 'differential.sh: %s\n' "$*" >&2; exit 2; }
[ -s "$PROPS" ] || die "realnet is not up (no $PROPS): run $HERE/setup.sh first"
[ -s "$JAR" ] || die "no $JAR: build it with ./mvnw -B -q -pl mtasts-cli -am package -DskipTests"
command -v python3 >/dev/null || die "python3 is missing"
prop() { sed -n "s/^$1=//p" "$PROPS"; }

# The RFC's verdict per domain, in the peer's words (the same table as mtasts-it's RealnetDomain).
declare -A RFC=(
  [example.test]="VALID enforce" [testing.test]="VALID testing" [none.test]="VALID none"
  [crlf.test]="VALID enforce" [split-txt.test]="VALID enforce" [mixed-txt.test]="VALID enforce"
  [cname-sts.test]="VALID enforce" [two-sts.test]=NONE [no-sts.test]=NONE [no-id.test]=NONE
  [bad-id.test]=NONE [nxdomain.test]=NONE [no-policy-host.test]=FETCH_ERROR [redirect.test]=FETCH_ERROR
  [wrong-ctype.test]=FETCH_ERROR [oversized.test]=FETCH_ERROR [http404.test]=FETCH_ERROR
  [http-only.test]=FETCH_ERROR [expired-cert.test]=FETCH_ERROR [wrong-cert.test]=FETCH_ERROR
  [selfsigned.test]=FETCH_ERROR [nochain.test]=FETCH_ERROR [bad-policy.test]=FETCH_ERROR
  [mx-mismatch.test]="VALID enforce" [bad-mx-cert.test]="VALID enforce" [dane.test]="VALID enforce"
)
DOMAINS=(example.test testing.test none.test crlf.test split-txt.test mixed-txt.test cname-sts.test
  two-sts.test no-sts.test no-id.test bad-id.test nxdomain.test no-policy-host.test redirect.test
  wrong-ctype.test oversized.test http404.test http-only.test expired-cert.test wrong-cert.test
  selfsigned.test nochain.test bad-policy.test mx-mismatch.test bad-mx-cert.test dane.test)
declare -A WHY=(
  [mx-mismatch.test]="; the MX must then fail §4.1"
  [bad-mx-cert.test]="; the MX must then fail §4.2"
  [dane.test]="; DANE (validated TLSA) takes precedence (§2)"
)

# Our CLI as a postmaster runs it: the realnet DNS server and CA; --connect only for the ports
# setup.sh could not bind (then the names come from the generated hosts file).
DNS=$(prop dns.authoritative | tr ',' '\n' | grep -x '127.0.0.53:53' || prop dns.authoritative | cut -d, -f1)
OPTS=(--json --dns "$DNS" --trust "$(prop ca)" --timeout 5)
if ! prop https | grep -q ':443\b'; then
  while read -r ip name; do OPTS+=(--connect "$name:443=$ip:8443"); done \
    < <(awk '$1 !~ /^#/ {for (i = 2; i <= NF; i++) if ($i ~ /^mta-sts\.|^tlsrpt\./) print $1, $i}' "$STATE/conf/hosts")
fi
if ! prop http | grep -q ':80\b'; then
  while read -r ip name; do OPTS+=(--connect "$name:80=$ip:8080"); done \
    < <(awk '$1 !~ /^#/ {for (i = 2; i <= NF; i++) if ($i ~ /^mta-sts\./) print $1, $i}' "$STATE/conf/hosts")
fi
if ! prop smtp | grep -q ':25\b'; then
  for mx in mx1.example.test a.mx.example.test mx.expired-cert.test mx.wrong-cert.test mx.selfsigned.test \
            mail.mx-mismatch.test mx.bad-mx-cert.test mx1.dane.test; do OPTS+=(--connect "$mx:25=127.0.0.1:2525"); done
fi

# `mtasts check --json` -> "VERDICT|detail": NONE when the record is missing, multiple or invalid,
# FETCH_ERROR when there is a record but no policy, else VALID <mode>; the detail lists the errors.
ours() {
  python3 -c '
import json, sys
doc = json.load(sys.stdin)
errors = [f["code"] for f in doc["findings"] if f["severity"] == "error"]
record = [c for c in errors if c.startswith("sts-record-")]
policy = doc.get("policy")
if record:
    verdict = "NONE" if record[0] != "sts-record-dns-error" else "TEMPFAIL"
elif policy is None:
    verdict = "FETCH_ERROR"
else:
    verdict = "VALID " + policy["mode"]
print(verdict + "|" + ", ".join(errors))
'
}

# mta-sts-query output -> "VERDICT|detail" (the detail: why a fetch failed, in short).
peer() {
  local out=$1 res mode why
  res=$(printf '%s\n' "$out" | grep -o 'STSFetchResult\.[A-Z_]*' | head -1 | sed 's/STSFetchResult\.//')
  case $res in
    VALID) mode=$(printf '%s' "$out" | grep -o "'mode': '[a-z]*'" | head -1 | sed "s/'mode': //;s/'//g")
           printf 'VALID %s|' "$mode";;
    FETCH_ERROR)
      why=$(printf '%s\n' "$out" | grep -o 'failed with error: .*' | head -1 | sed 's/failed with error: //')
      case $why in
        "") why="policy rejected";;
        *"verify failed: "*) why="TLS: $(printf '%s' "$why" | sed 's/.*verify failed: //;s/ (_ssl.*//;s/\. *$//')";;
        *"Cannot connect"*) why="cannot connect";;
        *) why=$(printf '%s' "$why" | cut -c1-60);;
      esac
      printf 'FETCH_ERROR|%s' "$why";;
    "") printf '?|%s' "$(printf '%s' "$out" | tail -1 | cut -c1-60)";;
    *) printf '%s|' "$res";;
  esac
}

cell() {  # cell VERDICT|DETAIL RFC -> markdown, bold when the verdict is not the RFC's
  local verdict=${1%%|*} detail=${1#*|} text
  text=$verdict
  [ -n "$detail" ] && text="$text ($detail)"
  if [ "$verdict" = "$2" ]; then printf '%s' "$text"; else printf '**%s**' "$text"; fi
}

have_peer=0
[ "$(prop peer)" = 1 ] && [ -e "/run/netns/${REALNET_NS:-realnet}" ] && have_peer=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Short-lived JVMs: C1 only and the serial collector start faster, and so does a class-data
# archive (AppCDS) that the first run writes and the others map.
JVM=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr)
JAVA=("${JVM[@]}" -XX:ArchiveClassesAtExit="$tmp/mtasts.jsa" -jar "$JAR")

row() {  # row DOMAIN: the table row into $tmp/DOMAIN.row, "differs" into $tmp/DOMAIN.bad
  local d=$1 o p1 p2 rfc
  "${JAVA[@]}" check "$d" "${OPTS[@]}" > "$tmp/$d.json" 2> "$tmp/$d.err" &
  if [ $have_peer = 1 ]; then
    "$HERE/peer.sh" "$d" > "$tmp/$d.rec" 2>&1 &
    "$HERE/peer.sh" --auth "$d" > "$tmp/$d.auth" 2>&1 &
  fi
  wait
  o=$(ours < "$tmp/$d.json" 2>/dev/null) || o="?|$(head -c 60 "$tmp/$d.err")"
  if [ $have_peer = 1 ]; then
    p1=$(peer "$(cat "$tmp/$d.rec")"); p2=$(peer "$(cat "$tmp/$d.auth")")
  else
    p1="n/a|no namespace"; p2=$p1
  fi
  rfc=${RFC[$d]}
  [ "${o%%|*}" = "$rfc" ] || : > "$tmp/$d.bad"
  printf '| %s | %s%s | %s | %s | %s |\n' "$d" "$rfc" "${WHY[$d]:-}" "$(cell "$o" "$rfc")" "$(cell "$p1" "$rfc")" \
    "$(cell "$p2" "$rfc")" > "$tmp/$d.row"
}

# The first domain alone (it writes the archive), then three at a time; rows in the table's order.
row "${DOMAINS[0]}"
JAVA=("${JVM[@]}" -jar "$JAR")
[ -s "$tmp/mtasts.jsa" ] && JAVA=("${JVM[@]}" -XX:SharedArchiveFile="$tmp/mtasts.jsa" -jar "$JAR")
for d in "${DOMAINS[@]:1}"; do
  row "$d" &
  while [ "$(jobs -rp | wc -l)" -ge 3 ]; do wait -n; done
done
wait
status=0
echo "| domain | RFC 8461 expects | \`mtasts check\` (ours) | peer via Unbound (recursive) | peer via Knot (authoritative) |"
echo "|---|---|---|---|---|"
for d in "${DOMAINS[@]}"; do
  cat "$tmp/$d.row" 2>/dev/null || { echo "| $d | ${RFC[$d]} | ? | ? | ? |"; status=1; }
  [ -e "$tmp/$d.bad" ] && status=1
done
[ $status = 0 ] || echo "differential.sh: our verdict differs from the RFC's on some domain (bold in the third column)" >&2
exit $status

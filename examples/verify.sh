#!/usr/bin/env bash
# Proves that a user's project can depend on what we would publish, and that the release has
# everything Maven Central requires (README, "Use it from your build"; .ci/run calls this).
#
#  1. A release dry run: ./mvnw -Prelease,analyze deploy of the published modules. `deploy`
#     installs them into a THROW-AWAY local repository (target/consumer-repo, never ~/.m2, which
#     other builds share) and stages them with checksums in target/staging (no network);
#     -Panalyze fails on undeclared or unused dependencies (dependency:analyze).
#  2. .ci/CheckStaging.java checks the stage: the modules that mtasts-bom lists, each complete,
#     and nothing else.
#  3. The example projects (examples/*: own POMs, our BOM, no parent of ours) are built and tested
#     against target/consumer-repo on the class path; the sending MTA also runs on the module
#     path, and the report tool runs without the optional Mime4j and Angus Mail.
#
# target/consumer-repo reads everything else from ~/.m2 as a read-only "tail" (Maven 3.9's
# maven.repo.local.tail): nothing is copied, and what ~/.m2 lacks is downloaded into the
# throw-away repository only. Set MTASTS_REPO_TAIL to use another repository as the tail.
# Published modules are whatever mtasts-bom lists: the reactor below leaves out only the modules
# that are never published, so a new published module is built, staged and checked with no change
# here (and a new unpublished one must set maven.deploy.skip, or the stage check fails).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPO=$ROOT/target/consumer-repo
STAGE=$ROOT/target/staging
TAIL=${MTASTS_REPO_TAIL:-$HOME/.m2/repository}
REPOS=(-Dmaven.repo.local="$REPO" -Dmaven.repo.local.tail="$TAIL")
T0=$(date +%s)
step() { echo "== examples: $* ($(( $(date +%s) - T0 )) s)"; }
fail() { echo "examples/verify.sh: $*" >&2; exit 1; }

step "release dry run: deploy to target/staging, install to target/consumer-repo, dependency:analyze"
rm -rf "$REPO" "$STAGE"
# Not -o: Maven refuses to deploy offline. Nothing is fetched when ~/.m2 has it all.
./mvnw -B -ntp -q -Prelease,analyze deploy -DskipTests "${REPOS[@]}" \
  -pl '!mtasts-cli,!mtasts-it,!mtasts-benchmarks,!mtasts-reliability' \
  -DaltDeploymentRepository=staging::file:"$STAGE" \
  -Daether.checksums.algorithms=SHA-512,SHA-256,SHA-1,MD5

step "the stage against Maven Central's requirements (.ci/CheckStaging.java)"
java .ci/CheckStaging.java "$STAGE" org.mtasts > target/staging-files.txt \
  || { cat target/staging-files.txt; fail "the stage is incomplete"; }
tail -1 target/staging-files.txt

step "the example projects, against target/consumer-repo on the class path"
./mvnw -B -ntp -q -f examples/pom.xml "${REPOS[@]}" verify \
  dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt \
  dependency:tree -DoutputFile=target/tree.txt

# Optional dependencies stay optional: neither consumer gets Mime4j, Jakarta Mail or Angus Mail.
for ex in sending-mta report-tool; do
  if tr ':' '\n' < "examples/$ex/target/classpath.txt" | grep -E 'mime4j|jakarta\.mail|angus'; then
    fail "examples/$ex gets an optional dependency of ours (above)"
  fi
done

SENDING=examples/sending-mta
CP="$(cat $SENDING/target/classpath.txt)"
echo "a sending MTA's run-time dependencies (examples/sending-mta):"
tr ':' '\n' <<< "$CP" | while read -r jar; do printf '  %-40s %8d bytes\n' "${jar##*/}" "$(stat -c %s "$jar")"; done
tr ':' '\n' <<< "$CP" | xargs stat -c %s | awk '{ n++; s += $1 } END { printf "  %d jars, %.2f MiB\n", n, s / 1048576 }'

expect() {  # expect <expected first line> <command...>
  local want=$1; shift
  local got
  got=$("$@" 2>/dev/null | head -1)
  [ "$got" = "$want" ] || fail "$* printed '$got', not '$want'"
  echo "  $want"
}
step "run: the sending MTA on the class path and on the module path, the report tool on the class path"
expect "mx1.example.com: use (NO_POLICY)" \
  java -cp "$SENDING/target/classes:$CP" com.example.sending.SendingMta --offline example.com mx1.example.com
expect "mx1.example.com: use (NO_POLICY)" \
  java --module-path "$SENDING/target/sending-mta-1.0.jar:$CP" \
  -m com.example.sending/com.example.sending.SendingMta --offline example.com mx1.example.com
REPORTS=examples/report-tool
expect "Company-X [company-y.example]: 5326 sessions succeeded, 303 failed" \
  java -cp "$REPORTS/target/classes:$(cat $REPORTS/target/classpath.txt)" com.example.reports.ReportTool \
  "$REPORTS/src/test/resources/report.json"
step "done"

#!/usr/bin/env bash
# The test command. Installs PostgreSQL and RabbitMQ when they are missing (as root), and Docker (deploy/docker.sh:
# docker.io, iptables, debootstrap, docker-compose), starts dockerd unless an engine answers, restores, builds (warnings
# are errors), builds the images the end-to-end suite and the compose stack run (cached between runs), runs every test
# project (the integration tests start private servers through deploy/servers.sh, unless the SETTLEMENT_TEST_*
# variables point at running ones; the end-to-end tests start containers through Testcontainers), runs the compose
# checks (deploy/compose-test.sh, one broker node and the three-node cluster, each counted as one test), reports the line coverage of the service's modules, and stops
# the dockerd it started. Results go to artifacts/test-results/: a .trx file for each test project and a
# coverage.cobertura.xml for each one that runs the service in its own process (the end-to-end suite runs it in a
# container, out of the coverage tool's reach). The last line says "N passed, N failed". Exits non-zero when the build
# fails, Docker cannot be had, a test fails, or no test ran.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly RESULTS=artifacts/test-results
readonly TEST_RUNS="${TMPDIR:-/tmp}/settlement-tests" # where the fixture puts each test process's servers
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MASSTRANSIT_USAGE_TELEMETRY=false

step() { echo "==> $*"; }

# The dockerd this run started (if it found none) is stopped however the run ends.
started_docker=false
trap 'if $started_docker; then deploy/docker.sh stop || true; fi' EXIT

finish() { # PASSED FAILED EXIT_CODE [WHY]
  [[ -z ${4:-} ]] || echo "test.sh: $4" >&2
  if [[ ${CI:-} == true ]]; then dotnet build-server shutdown >/dev/null 2>&1 || true; fi
  echo "$1 passed, $2 failed"
  exit "$3"
}

step "servers"
deploy/servers.sh install
# promtool checks the alert rules (deploy/prometheus); Debian's prometheus package ships it.
if ! command -v promtool >/dev/null && [[ $(id -u) -eq 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null; }
fi
# The console's browser tests drive Debian's chromium by its path (Playwright downloads no browser here); they write
# screenshots of every page to artifacts/console/.
if [[ ! -x /usr/bin/chromium ]] && [[ $(id -u) -eq 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null; }
fi

step "docker"
# The end-to-end suite and the compose check need an engine: no engine is a failure that names what to install, never a skip.
deploy/docker.sh install || finish 0 0 1 "the end-to-end suite needs Docker (see above)"
if ! docker info >/dev/null 2>&1; then started_docker=true; fi
deploy/docker.sh start || finish 0 0 1 "the end-to-end suite needs a Docker engine (see above)"

step "build"
# PostgreSQL's and RabbitMQ's images come from Debian's packages (mostly download and unpack) while the solution
# compiles on one node: on 2 cores that takes minutes off the run.
images_started=$SECONDS
images_log=$(mktemp "${TMPDIR:-/tmp}/settlement-images.XXXXXX")
deploy/docker.sh server-images >"$images_log" 2>&1 &
server_images=$!
if ! dotnet restore Settlement.sln || ! dotnet build Settlement.sln -c Release --no-restore -warnaserror -m:1 -nodeReuse:false; then
  wait "$server_images" || true
  finish 0 0 1 "the build failed"
fi

step "images"
if ! wait "$server_images"; then
  cat "$images_log" >&2
  finish 0 0 1 "the server images for the end-to-end suite did not build"
fi
cat "$images_log" && rm -f "$images_log"
deploy/docker.sh images || finish 0 0 1 "the images for the end-to-end suite did not build"
echo "images ready $((SECONDS - images_started)) s after the build started"
docker_env=$(deploy/docker.sh env) || finish 0 0 1 "no Docker engine answers"
eval "$docker_env" # DOCKER_API_VERSION, TESTCONTAINERS_*, SETTLEMENT_E2E_* (the local images, pull never)

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
runs_failed=0
for project in tests/*Tests*/*.csproj; do
  name=$(basename "$project" .csproj)
  step "test $name"
  coverage=(--settings tests/coverage.runsettings --collect:"XPlat Code Coverage")
  if [[ $name == *EndToEnd* ]]; then coverage=(); fi # the service runs in a container there: nothing to collect
  started=$SECONDS
  dotnet test "$project" -c Release --no-build "${coverage[@]}" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS/$name" \
    --blame-hang-timeout 15m --blame-hang-dump-type none ||
    runs_failed=$((runs_failed + 1))
  echo "$name: $((SECONDS - started)) s"
done
# A test process that was killed leaves its servers and containers behind: remove them now rather than at the next run.
deploy/servers.sh reap "$TEST_RUNS"
deploy/docker.sh reap

compose_passed=0 compose_failed=0
for mode in single cluster; do
  step "compose check ($mode)"
  started=$SECONDS
  if POSTGRES_IMAGE=$SETTLEMENT_E2E_POSTGRES_IMAGE RABBITMQ_IMAGE=$SETTLEMENT_E2E_RABBITMQ_IMAGE \
    SETTLEMENT_IMAGE=$SETTLEMENT_E2E_SERVICE_IMAGE deploy/compose-test.sh "$mode"; then
    compose_passed=$((compose_passed + 1))
  else
    compose_failed=$((compose_failed + 1))
  fi
  echo "compose check ($mode): $((SECONDS - started)) s"
done

step "results"
mapfile -t coverage_reports < <(find "$RESULTS" -name coverage.cobertura.xml)
mapfile -t test_reports < <(find "$RESULTS" -mindepth 2 -maxdepth 2 -name '*.trx')

# Union of the covered lines over all test projects: a line counts once, covered when any project hit it.
awk '
  /<source>/ { if (!source) { source = $0; gsub(/.*<source>|<\/source>.*/, "", source) } }
  /<class / { match($0, /filename="[^"]*"/); file = substr($0, RSTART + 10, RLENGTH - 11) }
  /<line / {
    match($0, /number="[0-9]+"/); line = substr($0, RSTART + 8, RLENGTH - 9)
    match($0, /hits="[0-9]+"/); hits = substr($0, RSTART + 6, RLENGTH - 7)
    key = source file ":" line
    lines[key] = 1
    if (hits + 0 > 0) covered[key] = 1
  }
  FNR == 1 { source = "" }
  END {
    for (key in lines) total++
    for (key in covered) hit++
    printf "line coverage: %.1f%% (%d of %d lines in Settlement.Wallet, Settlement.Orchestration)\n", total ? 100 * hit / total : 0, hit, total
  }' "${coverage_reports[@]}" /dev/null

read -r passed failed < <(awk '
  function count(name) { return match($0, name "=\"[0-9]+\"") ? substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 3) : 0 }
  /<Counters / { passed += count("passed"); failed += count("failed") + count("error") + count("timeout") + count("aborted") }
  END { print passed + 0, failed + 0 }' "${test_reports[@]}" /dev/null)
passed=$((passed + compose_passed)) failed=$((failed + compose_failed))

# Each failed test by name, with the first lines of its message, here at the end where the tail of a CI log shows it.
awk '
  /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
    match($0, /testName="[^"]*"/); print "failed: " substr($0, RSTART + 10, RLENGTH - 11); failing = 1; lines = 0
  }
  failing && /<Message>/ { inside = 1; sub(/.*<Message>/, "") }
  inside && lines < 6 { text = $0; sub(/<\/Message>.*/, "", text); print "  " text; lines++ }
  /<\/Message>/ { inside = 0 }
  /<\/UnitTestResult>/ { failing = 0; inside = 0 }' "${test_reports[@]}" /dev/null

if ((failed > 0)); then finish "$passed" "$failed" 1 "tests failed"; fi
if ((runs_failed > 0)); then finish "$passed" "$failed" 1 "$runs_failed test project(s) did not finish cleanly"; fi
if ((passed == 0)); then finish 0 0 1 "no test ran"; fi
finish "$passed" "$failed" 0

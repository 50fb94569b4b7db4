#!/usr/bin/env bash
# Where a trade's milliseconds go, hop by hop: the host with every span written to a file (Observability:TraceFile),
# trades offered at a low and at the card's rate, and the timeline of each (Settlement.Simulator timeline).
#
#   deploy/timeline.sh
#
# Fresh private servers and the host in its production configuration, as bench.sh runs them; a warm-up that is not
# measured; then TIMELINE_LOW_RATE trades/s and TIMELINE_RATE trades/s, each for TIMELINE_SECONDS. For each it prints the
# watch line and a Markdown table: per segment of a leg (saga step: delivered → transaction, load and lock, state
# machine, write, commit, command send until confirmed; the command's time in the queue; the wallet: delivered → batch,
# the batch's transaction, the answer's send; the answer's way back), n, mean, p50 and p99 in ms. Recording every span
# costs the host CPU: compare the segments with each other, and latency with bench.sh. Files stay in TIMELINE_HOME.
#
# Settings: TIMELINE_LOW_RATE (5)  TIMELINE_RATE (50)  TIMELINE_SECONDS (30)  TIMELINE_WARMUP_TRADES (2000)  TIMELINE_USERS (1000)
#   TIMELINE_SAMPLE (1: every trade; 0.1 records one trade in ten, which costs the host a tenth as much)
#   TIMELINE_HOME (<repo>/.local/timeline)  Settlement__*, Wallet__*  passed to the host as they are
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/load-run.sh
source "$repo/deploy/load-run.sh"
load_run_init timeline "${TIMELINE_HOME:-$repo/.local/timeline}" 19432 9672 19672 29672 8480

users=${TIMELINE_USERS:-1000}
seconds=${TIMELINE_SECONDS:-30}
warmup=${TIMELINE_WARMUP_TRADES:-2000}

build_tools
start_servers
rm -f "$home/spans.tsv"
start_host 1 Observability__TraceFile="$home/spans.tsv" Observability__TraceFileSampleRatio="${TIMELINE_SAMPLE:-1}"
say "warm-up: $warmup trades, not measured"
simulator fund --run warmup --users "$users" >/dev/null
simulator publish --run warmup --trades "$warmup" --users "$users" --rate 0 >/dev/null
simulator watch --run warmup --timeout 3600 >/dev/null || true

for rate in "${TIMELINE_LOW_RATE:-5}" "${TIMELINE_RATE:-50}"; do
  say "$((rate * seconds)) trades offered at $rate per second"
  simulator fund --run "at-$rate" --users "$users" >/dev/null
  simulator publish --run "at-$rate" --trades $((rate * seconds)) --users "$users" --rate "$rate" >/dev/null
  echo "### $rate trades/s"
  echo
  simulator watch --run "at-$rate" --timeout 3600 || true
  echo
done

sleep 1 # the span file is written five times a second
stop_hosts
for rate in "${TIMELINE_LOW_RATE:-5}" "${TIMELINE_RATE:-50}"; do
  echo "### Timeline at $rate trades/s"
  echo
  tool simulator timeline --spans "$home/spans.tsv" --run "at-$rate" --manifest "$home/sim/at-$rate.json"
  echo
done

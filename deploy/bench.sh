#!/usr/bin/env bash
# The benchmark: one run on this machine that measures what Settlement does and what its parts could do alone.
#
#   deploy/bench.sh
#
# It starts fresh private PostgreSQL and RabbitMQ servers (fsync on, durable messages, publisher confirms), runs the
# host in its production configuration (appsettings.json as shipped, DOTNET_ENVIRONMENT=Production), and measures:
#   1. a cold start: a fresh host offered BENCH_SUSTAINED_RATE trades per second for BENCH_LATENCY_SECONDS from the moment
#      /health/ready first answers, with no warm-up (p99_ms_at_50_cold), as after a deploy or a restart;
#   2. after a warm-up, latency (p50/p95/p99 of settled_at − executed_at) at BENCH_SUSTAINED_RATE (50/s for
#      BENCH_LATENCY_SECONDS, the original task card's load), with the p99 of executed_at → rolled back over its
#      must-fail trades; and at BENCH_LOW_RATE (5/s for BENCH_LOW_SECONDS: one trade alone);
#   3. throughput: BENCH_TRADES trades published as fast as possible, trades settled per second (first executed_at to
#      last settled_at), with the CPU each process spent and the messages published;
#   4. latency under overload: BENCH_RATE trades per second offered for BENCH_LATENCY_SECONDS;
#   5. the broker's ceiling: MassTransit send-and-consume messages per second on the same broker, no saga;
#   6. the direct baseline: the same five balance changes as ONE PostgreSQL transaction per trade, trades per second.
# Then it reconciles the books (Settlement.Host reconcile) and prints ONE JSON line on stdout: the figures above, CPU per
# trade of host + PostgreSQL + RabbitMQ (cpu_ms_per_trade, the host's own as host_cpu_ms_per_trade; the host's over the
# card's load as host_cpu_ms_per_trade_at_50, what it spends when not saturated), the share of the
# broker's ceiling the service reaches (ceiling_share = trades_per_sec ÷ (raw_msgs_per_sec ÷ msgs_per_trade)), and the
# machine's 1-minute load average when the run began (load_before: above 1, the figures are a busy machine's, and it
# says so on stderr). With BENCH_WRITE_DOCS=1
# (the default) it writes the measured table into docs/performance.md. Progress goes to stderr; everything it starts
# is stopped when it ends. Not a test: nothing is asserted on time.
#
# Settings (environment variables, all optional):
#   BENCH_TRADES (20000)  BENCH_WARMUP_TRADES (2000, settled before anything warm is measured)  BENCH_RATE (200)
#   BENCH_LATENCY_SECONDS (60)  BENCH_SUSTAINED_RATE (50)  BENCH_LOW_RATE (5)  BENCH_LOW_SECONDS (30)  BENCH_USERS (1000)
#   BENCH_WRITE_DOCS (1)
#   BENCH_HOME (<repo>/.local/bench)  BENCH_PG_PORT (16432)  BENCH_AMQP_PORT (6672)  BENCH_MGMT_PORT (16672)
#   BENCH_DIST_PORT (26672)  BENCH_API_PORT (8180)
#   BENCH_BROKER (single): single = one RabbitMQ node, classic queues; cluster = three nodes on BENCH_AMQP_PORT..+2
#     (management and distribution ports likewise), quorum queues (RabbitMq:QueueType=quorum) for the service and for the
#     broker baseline, every node in the host's connection; the table goes to the bench-cluster block of the doc
#   Settlement__*, Wallet__*  passed to the host as they are, to benchmark another configuration
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/load-run.sh
source "$repo/deploy/load-run.sh"
load_run_init bench "${BENCH_HOME:-$repo/.local/bench}" "${BENCH_PG_PORT:-16432}" "${BENCH_AMQP_PORT:-6672}" \
  "${BENCH_MGMT_PORT:-16672}" "${BENCH_DIST_PORT:-26672}" "${BENCH_API_PORT:-8180}" "${BENCH_BROKER:-single}"

load_before=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load_before" 'BEGIN { exit !(l > 1) }'; then
  say "WARNING: the 1-minute load average is $load_before before the run: the machine is busy, and its figures will be a busy machine's"
fi
trades=${BENCH_TRADES:-20000}
rate=${BENCH_RATE:-200}
latency_seconds=${BENCH_LATENCY_SECONDS:-60}
sustained_rate=${BENCH_SUSTAINED_RATE:-50}
low_rate=${BENCH_LOW_RATE:-5}
low_seconds=${BENCH_LOW_SECONDS:-30}
users=${BENCH_USERS:-1000}
warmup=${BENCH_WARMUP_TRADES:-2000}
stamp=$(date -u +%Y%m%dT%H%M%S)

build_tools
start_servers

say "baseline 1/2: direct SQL, $trades trades, one transaction each"
"$servers" create-database "$pg_port" baseline
direct=$(tool baselines sql --connection "$(connection baseline)" --trades "$trades")
say "baseline 2/2: the broker alone, $((trades * 5)) messages"
raw=$(tool baselines broker --rabbit "$amqp" --messages $((trades * 5)) --queue-type "$( ((cluster_nodes > 0)) && echo quorum || echo classic)")

# A cold start: the first host declares the queues and funds the cold run's traders (its deposits), then stops; a fresh
# process is offered the card's load from the moment it is ready, as after a deploy.
start_host 1
simulator fund --run "cold-$stamp" --users "$users" >/dev/null
stop_host 1
start_host 1
say "cold start: $((sustained_rate * latency_seconds)) trades offered at $sustained_rate per second to a host just ready"
simulator publish --run "cold-$stamp" --trades $((sustained_rate * latency_seconds)) --users "$users" --rate "$sustained_rate" >/dev/null
cold=$(simulator watch --run "cold-$stamp" --timeout 3600 || true)

# The first thousands of trades of a fresh process are spent compiling: tiered JIT with dynamic PGO compiles 100-260
# methods a second for a minute (dotnet-counters: 0.5-0.8 s of JIT per second). A service runs for days; the figures are
# of the warm process. The warm-up trades are settled and reconciled like the others, but not measured.
if ((warmup > 0)); then
  say "warm-up: $warmup trades, not measured"
  simulator fund --run "wu-$stamp" --users "$users" >/dev/null
  simulator publish --run "wu-$stamp" --trades "$warmup" --users "$users" --rate 0 >/dev/null
  simulator watch --run "wu-$stamp" --timeout 3600 >/dev/null || true
fi
# The loads the card names first, on the warm service; then the burst and the overload, which leave work behind them
# (a backlog drained, dead row versions for autovacuum) that the light loads should not be measured in.
say "latency at the card's load: $((sustained_rate * latency_seconds)) trades offered at $sustained_rate per second"
simulator fund --run "sus-$stamp" --users "$users" >/dev/null
sustained_cpu_before=$(cpu_snapshot)
simulator publish --run "sus-$stamp" --trades $((sustained_rate * latency_seconds)) --users "$users" --rate "$sustained_rate" >/dev/null
sustained=$(simulator watch --run "sus-$stamp" --timeout 3600 || true)
sustained_cpu=$(cpu_per_trade "$sustained_cpu_before" "$(cpu_snapshot)" $((sustained_rate * latency_seconds)))

say "latency of one trade alone: $((low_rate * low_seconds)) trades offered at $low_rate per second"
simulator fund --run "low-$stamp" --users "$users" >/dev/null
simulator publish --run "low-$stamp" --trades $((low_rate * low_seconds)) --users "$users" --rate "$low_rate" >/dev/null
low=$(simulator watch --run "low-$stamp" --timeout 3600 || true)

say "throughput: $trades trades as fast as possible"
simulator fund --run "tp-$stamp" --users "$users" >/dev/null
sleep 6 # the management API refreshes its counters every 5 s: the funding's messages must be in "before"
published_before=$(broker_published)
cpu_before=$(cpu_snapshot)
simulator publish --run "tp-$stamp" --trades "$trades" --users "$users" --rate 0 >/dev/null
throughput=$(simulator watch --run "tp-$stamp" --timeout 3600 || true)
cpu=$(cpu_per_trade "$cpu_before" "$(cpu_snapshot)" "$trades")
sleep 6 # the management API refreshes its counters every 5 s
published_after=$(broker_published)

latency_trades=$((rate * latency_seconds))
say "latency: $latency_trades trades offered at $rate per second"
simulator fund --run "lat-$stamp" --users "$users" >/dev/null
simulator publish --run "lat-$stamp" --trades "$latency_trades" --users "$users" --rate "$rate" >/dev/null
latency=$(simulator watch --run "lat-$stamp" --timeout 3600 || true)

stop_hosts
conservation_ok=false
if reconcile >"$home/reconciliation.json"; then conservation_ok=true; fi

lost=$(($(field lost "$throughput") + $(field lost "$latency") + $(field lost "$sustained") + $(field lost "$low") + $(field lost "$cold")))
msgs_per_trade=$(awk -v a="$published_before" -v b="$published_after" -v t="$trades" 'BEGIN { printf "%.1f", (b - a) / t }')
cpu_ms_per_trade=$(awk -v h="$(field host_ms "$cpu")" -v p="$(field postgres_ms "$cpu")" -v r="$(field rabbitmq_ms "$cpu")" \
  'BEGIN { printf "%.2f", h + p + r }')
tps=$(field trades_per_sec "$throughput")
raw_rate=$(field raw_msgs_per_sec "$raw")
ceiling_share=$(awk -v t="$tps" -v r="$raw_rate" -v m="$msgs_per_trade" 'BEGIN { printf "%.2f", (r > 0 && m > 0) ? t / (r / m) : 0 }')
at=$sustained_rate
result=$(printf '{"broker":"%s","load_before":%s,"trades_per_sec":%s,"p50_ms":%s,"p95_ms":%s,"p99_ms":%s,"p50_ms_at_%s":%s,"p95_ms_at_%s":%s,"p99_ms_at_%s":%s,"rollback_p99_ms_at_%s":%s,"rollbacks_at_%s":%s,"p50_ms_at_%s":%s,"p99_ms_at_%s":%s,"p99_ms_at_%s_cold":%s,"msgs_per_trade":%s,"raw_msgs_per_sec":%s,"ceiling_share":%s,"cpu_ms_per_trade":%s,"host_cpu_ms_per_trade":%s,"host_cpu_ms_per_trade_at_%s":%s,"direct_sql_trades_per_sec":%s,"lost":%s,"conservation_ok":%s}' \
  "$broker" "$load_before" "$tps" "$(field p50_ms "$latency")" "$(field p95_ms "$latency")" "$(field p99_ms "$latency")" \
  "$at" "$(field p50_ms "$sustained")" "$at" "$(field p95_ms "$sustained")" "$at" "$(field p99_ms "$sustained")" \
  "$at" "$(field rollback_p99_ms "$sustained")" "$at" "$(field rolled_back "$sustained")" \
  "$low_rate" "$(field p50_ms "$low")" "$low_rate" "$(field p99_ms "$low")" "$at" "$(field p99_ms "$cold")" \
  "$msgs_per_trade" "$raw_rate" "$ceiling_share" "$cpu_ms_per_trade" "$(field host_ms "$cpu")" "$at" "$(field host_ms "$sustained_cpu")" \
  "$(field direct_sql_trades_per_sec "$direct")" "$lost" "$conservation_ok")

echo "$cpu" >"$home/cpu-per-trade.json"
echo "$throughput" >"$home/throughput.json"
echo "$latency" >"$home/latency.json"
echo "$sustained" >"$home/latency-sustained.json"
echo "$low" >"$home/latency-low.json"
echo "$cold" >"$home/latency-cold.json"
if [[ ${BENCH_WRITE_DOCS:-1} == 1 ]]; then
  write_performance_doc "$repo/docs/performance.md" "$result" "$throughput" "$latency" "$sustained" "$cpu" "$trades" "$rate" \
    "$sustained_rate" "$latency_seconds" "$users" "$low" "$low_rate" "$low_seconds" "$cold"
fi
echo "$result"

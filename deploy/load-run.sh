# Shared by deploy/bench.sh and deploy/chaos.sh (sourced, not run): fresh private servers, the host processes, the
# simulator and the baselines, all under one folder, and everything stopped when the calling script exits.
# deploy/run.sh uses its first part (load_run_settings, publish_host, host_environment) to run the host the same way.
# shellcheck shell=bash

say() { echo "$run_name: $*" >&2; }

# load_run_settings NAME HOME PG_PORT AMQP_PORT MGMT_PORT DIST_PORT API_PORT [BROKER]: the settings, the .NET SDK, the
# servers' packages (as root) and HOME. BROKER is single (the default: one node, classic queues) or cluster (three nodes
# on AMQP_PORT..AMQP_PORT+2, MGMT_PORT.., DIST_PORT.., quorum queues, every node in the host's connection).
load_run_settings() {
  run_name=$1 home=$2 pg_port=$3 amqp_port=$4 mgmt_port=$5 dist_port=$6 api_port=$7 broker=${8:-single}
  servers="$repo/deploy/servers.sh"
  amqp="amqp://guest:guest@127.0.0.1:$amqp_port/"
  mgmt="http://guest:guest@127.0.0.1:$mgmt_port/"
  case $broker in
    single) cluster_nodes=0 ;;
    cluster) cluster_nodes=3 ;;
    *) say "the broker must be single or cluster, not '$broker'"; exit 2 ;;
  esac
  command -v dotnet >/dev/null || { say "the .NET 10 SDK is missing: install it first (https://dot.net)"; exit 1; }
  if [[ $(id -u) -eq 0 ]]; then "$servers" install; fi
  mkdir -p "$home"
  chmod 755 "$home"
}

# publish_host DIR: the host published into DIR for this machine's runtime, so compiled ahead of time (ReadyToRun), as the
# images publish it; its output goes to $home/build.log, whose tail is shown if it fails.
publish_host() {
  dotnet publish "$repo/src/Settlement.Host" -c Release --use-current-runtime --self-contained false -o "$1" --nologo -v quiet \
    -p:TreatWarningsAsErrors=true >"$home/build.log" 2>&1 || { tail -n 40 "$home/build.log" >&2; say "build failed: see $home/build.log"; exit 1; }
}

# host_environment API_PORT DOTNET_ENVIRONMENT: exports what the host runs with: these servers, its admin API on
# API_PORT, the API key in $api_key.
host_environment() {
  export ConnectionStrings__Settlement="$(connection settlement);Maximum Pool Size=100"
  export RabbitMq__Uri="$amqp" RabbitMq__ManagementUri="$mgmt" Urls="http://127.0.0.1:$1" Api__Key="$api_key"
  local i
  if ((cluster_nodes > 0)); then
    export RabbitMq__QueueType=quorum
    for ((i = 0; i < cluster_nodes; i++)); do export "RabbitMq__ClusterNodes__$i=127.0.0.1:$((amqp_port + i))"; done
  fi
  # A 64 MB gen0 budget for the host's workstation GC, as the image sets it (docs/performance.md, "Runtime settings").
  export DOTNET_ENVIRONMENT="$2" MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"
}

# load_run_init NAME HOME PG_PORT AMQP_PORT MGMT_PORT DIST_PORT API_PORT
load_run_init() {
  load_run_settings "$@"
  api_key=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  declare -gA host_pids=()
  command -v curl >/dev/null || { say "curl is missing"; exit 1; }
  trap load_run_cleanup EXIT
  trap 'exit 130' INT TERM
}

load_run_cleanup() {
  local n
  for n in "${!host_pids[@]}"; do kill -9 "${host_pids[$n]}" 2>/dev/null || true; done
  if ((cluster_nodes > 0)); then
    "$servers" remove "$home/servers/rabbitmq" >/dev/null 2>&1 || true # a cluster stopped node by node waits for its peers
  else
    "$servers" stop-rabbitmq "$home/servers/rabbitmq" >/dev/null 2>&1 || true
  fi
  "$servers" stop-postgres "$home/servers/postgres" >/dev/null 2>&1 || true
}

# The host is published as run.sh and the images publish it (publish_host); the tools are built.
build_tools() {
  local project
  say "building the host, the simulator and the baselines (Release)"
  publish_host "$home/bin/Settlement.Host"
  for project in tools/Settlement.Simulator tools/Settlement.Baselines; do
    dotnet build "$repo/$project" -c Release -o "$home/bin/$(basename "$project")" --nologo -v quiet \
      -p:TreatWarningsAsErrors=true >"$home/build.log" 2>&1 || { tail -n 40 "$home/build.log" >&2; exit 1; }
  done
}

# Fresh servers for every run: the figures must not depend on what an earlier run left behind.
start_servers() {
  "$servers" remove "$home/servers" >/dev/null 2>&1 || true
  mkdir -p "$home/servers"
  chmod 755 "$home/servers"
  "$servers" start-postgres "$home/servers/postgres" "$pg_port" >/dev/null
  if ((cluster_nodes > 0)); then
    say "started PostgreSQL (port $pg_port); starting a RabbitMQ cluster of $cluster_nodes nodes (ports $amqp_port-$((amqp_port + cluster_nodes - 1)), management $mgmt_port-$((mgmt_port + cluster_nodes - 1))), quorum queues"
    "$servers" start-rabbitmq-cluster "$home/servers/rabbitmq" "$(port_list "$amqp_port")" "$(port_list "$mgmt_port")" \
      "$(port_list "$dist_port")" >/dev/null
  else
    say "started PostgreSQL (port $pg_port); starting RabbitMQ (port $amqp_port, management $mgmt_port)"
    "$servers" start-rabbitmq "$home/servers/rabbitmq" "$amqp_port" "$mgmt_port" "$dist_port" >/dev/null
  fi
  "$servers" create-database "$pg_port" settlement >/dev/null
}

# port_list FIRST: FIRST,FIRST+1,… one port per node of the cluster.
port_list() { local i list=$1; for ((i = 1; i < cluster_nodes; i++)); do list+=",$(($1 + i))"; done; echo "$list"; }

connection() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$1"; }

# tool NAME ARGS...: runs tools/Settlement.<Name> (or the host); its stderr goes to HOME/NAME.log.
tool() {
  local name=$1; shift
  dotnet "$home/bin/Settlement.${name^}/Settlement.${name^}.dll" "$@" 2>>"$home/$name.log"
}

# simulator fund|publish|watch --run RUN ...: the broker, database and manifest of this run are added.
simulator() {
  local command=$1; shift
  case $command in
    fund) tool simulator fund --rabbit "$amqp" "$@" ;;
    publish) tool simulator publish --rabbit "$amqp" --manifest "$home/sim/$(run_of "$@").json" "$@" ;;
    watch) tool simulator watch --connection "$(connection settlement)" --manifest "$home/sim/$(run_of "$@").json" "$@" ;;
  esac
}

run_of() { while (($#)); do if [[ $1 == --run ]]; then echo "$2"; return; fi; shift; done; }

# start_host N [NAME=VALUE...]: host number N, admin API on API_PORT+N-1, log in HOME/host-N.log; returns within a fifth
# of a second of /health/ready first answering.
start_host() {
  local n=$1; shift
  local port=$((api_port + n - 1)) waited
  (
    cd "$home/bin/Settlement.Host"
    host_environment "$port" Production
    for setting in "$@"; do export "${setting?}"; done
    exec dotnet Settlement.Host.dll
  ) >>"$home/host-$n.log" 2>&1 &
  host_pids[$n]=$!
  for waited in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && { say "host $n ready (pid ${host_pids[$n]})"; return 0; }
    kill -0 "${host_pids[$n]}" 2>/dev/null || { tail -n 20 "$home/host-$n.log" >&2; say "host $n exited"; exit 1; }
    sleep 0.2
  done
  say "host $n not ready after $((waited / 5))s"
  exit 1
}

# stop_host N: SIGTERM, as an orchestrator stops it; kill_host N: kill -9, as a crash.
stop_host() { kill -TERM "${host_pids[$1]}" 2>/dev/null || true; wait "${host_pids[$1]}" 2>/dev/null || true; unset "host_pids[$1]"; }
kill_host() { kill -9 "${host_pids[$1]}" 2>/dev/null || true; wait "${host_pids[$1]}" 2>/dev/null || true; unset "host_pids[$1]"; }
stop_hosts() { local n; for n in "${!host_pids[@]}"; do stop_host "$n"; done; }

# Messages clients published to the broker since it started (the management API's message_stats.publish).
broker_published() {
  local count
  count=$(curl -sf "${mgmt}api/overview" | grep -o '"publish":[0-9]*' | head -n 1 | cut -d: -f2 || true)
  echo "${count:-0}"
}

# cpu_ticks PID: CPU time used by a process, its reaped children and its live children, in clock ticks.
cpu_ticks() {
  local pid=$1 total child
  total=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }') || total=0
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    total=$((total + $(sed 's/^.*) //' "/proc/$child/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0)))
  done
  echo "${total:-0}"
}

# cpu_snapshot: "host postgres rabbitmq" CPU ticks so far (host 1, the postmaster's tree, the broker's Erlang VMs: every
# node of a cluster).
cpu_snapshot() {
  local postmaster beam rabbit=0
  postmaster=$(head -n 1 "$home/servers/postgres/data/postmaster.pid" 2>/dev/null || echo 0)
  for beam in $(pgrep -f "beam.smp.*$home/servers/rabbitmq" || true); do rabbit=$((rabbit + $(cpu_ticks "$beam"))); done
  echo "$(cpu_ticks "${host_pids[1]}") $(cpu_ticks "$postmaster") $rabbit"
}

# cpu_per_trade BEFORE AFTER TRADES: milliseconds of CPU per trade, as host/postgres/rabbitmq.
cpu_per_trade() {
  awk -v b="$1" -v a="$2" -v t="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    printf "{\"host_ms\":%.2f,\"postgres_ms\":%.2f,\"rabbitmq_ms\":%.2f}", (y[1]-x[1])*1000/hz/t, (y[2]-x[2])*1000/hz/t, (y[3]-x[3])*1000/hz/t
  }'
}

api() { curl -sf -H "X-Api-Key: $api_key" "$@"; }

# The books, by the service's own reconciliation: the JSON report on stdout, exit 0 when they balance.
reconcile() {
  (cd "$home/bin/Settlement.Host" && ConnectionStrings__Settlement="$(connection settlement)" DOTNET_ENVIRONMENT=Production \
    dotnet Settlement.Host.dll reconcile 2>>"$home/reconcile.log")
}

# field NAME JSON: a number, boolean or string field of a one-line JSON object (0 when absent).
field() {
  local value
  value=$(grep -o "\"$1\":[^,}]*" <<<"$2" | head -n 1 | cut -d: -f2- | tr -d '"')
  echo "${value:-0}"
}

machine() {
  local cpu memory
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  memory=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "$(nproc) cores ($cpu), $memory, $(uname -sr)"
}

# write_performance_doc FILE RESULT THROUGHPUT LATENCY SUSTAINED CPU TRADES RATE SUSTAINED_RATE SECONDS USERS LOW
# LOW_RATE LOW_SECONDS COLD: the measured block of the doc, between its bench:begin and bench:end markers.
write_performance_doc() {
  local file=$1 result=$2 throughput=$3 latency=$4 sustained=$5 cpu=$6 trades=$7 rate=$8 sustained_rate=$9
  local seconds=${10} users=${11} low=${12} low_rate=${13} low_seconds=${14} cold=${15} block
  block=$(cat <<TABLE
Measured by \`deploy/bench.sh\` on $(date -u +%Y-%m-%d) at commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown),
on $(machine), 1-minute load average $(field load_before "$result") when it began. PostgreSQL and RabbitMQ ran on the
same machine as the host; $(broker_description).

| measure | result | how |
|---|---|---|
| settlement throughput | **$(field trades_per_sec "$result") trades/s** | $trades trades published at once ($users users, 80 % of trade sides on 20 % of them); $(field settled "$throughput") settled, $(field rolled_back "$throughput") rolled back as planned |
| latency p50 / p95 / p99 at $rate trades/s | **$(field p50_ms "$result") / $(field p95_ms "$result") / $(field p99_ms "$result") ms** | $((rate * seconds)) trades offered at $rate/s for $seconds s, executed_at → settled_at; max $(field max_ms "$latency") ms, settled at $(field trades_per_sec "$latency") trades/s |
| latency p50 / p95 / p99 at $sustained_rate trades/s | **$(field p50_ms "$sustained") / $(field p95_ms "$sustained") / $(field p99_ms "$sustained") ms** | $((sustained_rate * seconds)) trades offered at $sustained_rate/s for $seconds s (the card's load); max $(field max_ms "$sustained") ms |
| rollback p50 / p99 at $sustained_rate trades/s | **$(field rollback_p50_ms "$sustained") / $(field rollback_p99_ms "$sustained") ms** | executed_at → rolled back (every applied leg reversed), over the $(field rolled_back "$sustained") must-fail trades of that run; max $(field rollback_max_ms "$sustained") ms |
| latency p50 / p99 at $low_rate trades/s | **$(field p50_ms "$low") / $(field p99_ms "$low") ms** | $((low_rate * low_seconds)) trades offered at $low_rate/s for $low_seconds s: one trade alone; max $(field max_ms "$low") ms |
| latency p50 / p99 at $sustained_rate trades/s from a cold start | $(field p50_ms "$cold") / **$(field p99_ms "$cold") ms** | a fresh host offered $sustained_rate trades/s for $seconds s from the moment \`/health/ready\` first answered, no warm-up; max $(field max_ms "$cold") ms |
| CPU per trade: host / PostgreSQL / RabbitMQ | $(field host_ms "$cpu") / $(field postgres_ms "$cpu") / $(field rabbitmq_ms "$cpu") ms = **$(field cpu_ms_per_trade "$result") ms** | CPU time each process used during the throughput run ÷ trades (2 cores give 2,000 ms per second) |
| the host's CPU per trade at $sustained_rate trades/s | $(field host_cpu_ms_per_trade_at_$sustained_rate "$result") ms | the host's CPU time over the card's load (publishing to the last outcome) ÷ its trades: what it spends when it is not saturated |
| messages per trade | $(field msgs_per_trade "$result") | messages published to the broker during the throughput run ÷ trades |
| broker ceiling, no saga | $(field raw_msgs_per_sec "$result") msgs/s | MassTransit send-and-consume of small durable messages, confirms on, same broker |
| share of that ceiling | $(field ceiling_share "$result") | trades/s ÷ (broker ceiling ÷ messages per trade) |
| direct SQL baseline | $(field direct_sql_trades_per_sec "$result") trades/s | the five balance changes and ledger entries of a trade as ONE transaction, 16 connections |
| lost trades | $(field lost "$result") | trades without an outcome at the end |
| books balance | $(field conservation_ok "$result") | \`Settlement.Host reconcile\` after both runs |

The JSON line of that run:

\`\`\`json
$result
\`\`\`
TABLE
)
  # A cluster's figures go to a block of their own, beside the single node's.
  local marker=bench
  ((cluster_nodes == 0)) || marker=bench-cluster
  awk -v block="$block" -v begin="<!-- $marker:begin -->" -v end="<!-- $marker:end -->" '
    $0 == begin { print; print block; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }
  ' "$file" >"$file.new" && mv "$file.new" "$file"
  grep -qx "<!-- $marker:begin -->" "$file" || say "no '<!-- $marker:begin -->' line in $file: nothing written there"
  say "wrote the measured table into $file"
}

broker_description() {
  if ((cluster_nodes > 0)); then
    echo "RabbitMQ was a cluster of $cluster_nodes nodes with quorum queues (3 replicas each), all nodes sharing the same $(nproc) cores"
  else
    echo "RabbitMQ was one node with classic queues"
  fi
}

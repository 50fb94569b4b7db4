#!/usr/bin/env bash
# Where the time goes: one burst of trades through the host as bench.sh runs it, with the profilers on.
#
#   deploy/profile.sh
#
# It starts fresh private servers (PostgreSQL with pg_stat_statements loaded), the host in its production configuration,
# publishes PROFILE_TRADES trades at once and, while they settle, records:
#   - a CPU sampling trace of the host (dotnet-trace, PROFILE_SECONDS long) and its top methods, exclusive and inclusive;
#   - the host's runtime counters (dotnet-counters: GC, thread pool, lock contention, allocation rate);
#   - PostgreSQL's statements by total time (pg_stat_statements), with calls and mean time;
#   - CPU per trade of the host, PostgreSQL and RabbitMQ (as bench.sh measures it).
# Everything lands in PROFILE_HOME (default .local/profile); a summary goes to stdout. Not a benchmark: the profilers
# cost CPU themselves, so compare throughput with bench.sh only.
#
# Settings: PROFILE_TRADES (3000)  PROFILE_WARMUP_TRADES (2000)  PROFILE_SECONDS (20)  PROFILE_USERS (1000)  PROFILE_HOME (<repo>/.local/profile)
#   Settlement__*, Wallet__*  passed to the host as they are
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/load-run.sh
source "$repo/deploy/load-run.sh"
load_run_init profile "${PROFILE_HOME:-$repo/.local/profile}" 17432 7672 17672 27672 8280

trades=${PROFILE_TRADES:-3000}
seconds=${PROFILE_SECONDS:-20}
users=${PROFILE_USERS:-1000}
warmup=${PROFILE_WARMUP_TRADES:-2000}
tools_dir="$HOME/.dotnet/tools"
export PATH="$PATH:$tools_dir"

for tool_name in dotnet-trace dotnet-counters; do
  command -v "$tool_name" >/dev/null || dotnet tool install -g "$tool_name" --version 10.0.750501 >&2
done

build_tools
start_servers
say "loading pg_stat_statements"
echo "shared_preload_libraries = 'pg_stat_statements'" >>"$home/servers/postgres/data/postgresql.conf"
"$servers" stop-postgres "$home/servers/postgres" >/dev/null 2>&1
"$servers" start-postgres "$home/servers/postgres" "$pg_port" >/dev/null 2>&1
psql_do() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d settlement -X -q "$@"; }
psql_do -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements'

start_host 1
say "warm-up: $warmup trades (the JIT's work of a fresh process), not profiled"
simulator fund --run warmup --users "$users" >/dev/null
simulator publish --run warmup --trades "$warmup" --users "$users" --rate 0 >/dev/null
simulator watch --run warmup --timeout 3600 >/dev/null || true
simulator fund --run profile --users "$users" >/dev/null
psql_do -c 'SELECT pg_stat_statements_reset()' >/dev/null
cpu_before=$(cpu_snapshot)
simulator publish --run profile --trades "$trades" --users "$users" --rate 0 >/dev/null
say "tracing the host for ${seconds}s while $trades trades settle"
duration=$(printf '00:%02d:%02d:%02d' $((seconds / 3600)) $((seconds % 3600 / 60)) $((seconds % 60))) # dd:hh:mm:ss
dotnet-counters collect -p "${host_pids[1]}" --duration "$duration" --format csv -o "$home/counters.csv" \
  --counters System.Runtime >"$home/counters.log" 2>&1 &
counters_pid=$!
dotnet-trace collect -p "${host_pids[1]}" --profile dotnet-sampled-thread-time --duration "$duration" -o "$home/host.nettrace" \
  >"$home/trace.log" 2>&1 || say "dotnet-trace failed: see $home/trace.log"
wait "$counters_pid" || say "dotnet-counters failed: see $home/counters.log"
watch=$(simulator watch --run profile --timeout 3600 || true)
cpu=$(cpu_per_trade "$cpu_before" "$(cpu_snapshot)" "$trades")

dotnet-trace report "$home/host.nettrace" topN -n 40 >"$home/top-exclusive.txt" 2>&1 || true
dotnet-trace report "$home/host.nettrace" topN -n 60 --inclusive >"$home/top-inclusive.txt" 2>&1 || true
psql_do -c "
  SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
         round((total_exec_time / $trades)::numeric, 3) AS ms_per_trade, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25" >"$home/pg-statements.txt"
psql_do -c "SELECT sum(calls) AS statements, round(sum(calls)::numeric / $trades, 1) AS per_trade FROM pg_stat_statements" >>"$home/pg-statements.txt"

echo "settled: $watch"
echo "cpu per trade: $cpu"
echo "--- PostgreSQL statements (pg-statements.txt)"; cat "$home/pg-statements.txt"
echo "--- host, exclusive (top-exclusive.txt)"; head -n 45 "$home/top-exclusive.txt"
echo "files in $home: host.nettrace counters.csv top-inclusive.txt"

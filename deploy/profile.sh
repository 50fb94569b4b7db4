#!/usr/bin/env bash
# Where the time goes: one burst of trades through the host as bench.sh runs it, with the profilers on.
#
#   deploy/profile.sh
#
# It starts fresh private servers (PostgreSQL with pg_stat_statements loaded), the host in its production configuration,
# publishes PROFILE_TRADES trades at once and, while they settle, records:
#   - a CPU profile of the whole machine (perf, cpu-clock sampling, PROFILE_SECONDS long: where the 2 cores go, by
#     process and library) and of the host by method (the runtime writes a perf map for JIT-compiled code);
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

command -v dotnet-counters >/dev/null || dotnet tool install -g dotnet-counters --version 10.0.750501 >&2
if ! command -v perf >/dev/null && [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq linux-perf >&2; fi
command -v perf >/dev/null || { say "perf is missing: apt-get install linux-perf"; exit 1; }

build_tools
start_servers
say "loading pg_stat_statements"
echo "shared_preload_libraries = 'pg_stat_statements'" >>"$home/servers/postgres/data/postgresql.conf"
"$servers" stop-postgres "$home/servers/postgres" >/dev/null 2>&1
"$servers" start-postgres "$home/servers/postgres" "$pg_port" >/dev/null 2>&1
psql_do() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d settlement -X -q "$@"; }
psql_do -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements'

start_host 1 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
say "warm-up: $warmup trades (the JIT's work of a fresh process), not profiled"
simulator fund --run warmup --users "$users" >/dev/null
simulator publish --run warmup --trades "$warmup" --users "$users" --rate 0 >/dev/null
simulator watch --run warmup --timeout 3600 >/dev/null || true
simulator fund --run profile --users "$users" >/dev/null
psql_do -c 'SELECT pg_stat_statements_reset()' >/dev/null
cpu_before=$(cpu_snapshot)
simulator publish --run profile --trades "$trades" --users "$users" --rate 0 >/dev/null
say "profiling for ${seconds}s while $trades trades settle"
duration=$(printf '00:%02d:%02d:%02d' $((seconds / 3600)) $((seconds % 3600 / 60)) $((seconds % 60))) # dd:hh:mm:ss
dotnet-counters collect -p "${host_pids[1]}" --duration "$duration" --format csv -o "$home/counters.csv" \
  --counters System.Runtime >"$home/counters.log" 2>&1 &
counters_pid=$!
perf record -e cpu-clock -F 499 -a -g -o "$home/perf.data" -- sleep "$seconds" >"$home/perf.log" 2>&1 ||
  say "perf record failed: see $home/perf.log"
wait "$counters_pid" || say "dotnet-counters failed: see $home/counters.log"
watch=$(simulator watch --run profile --timeout 3600 || true)
cpu=$(cpu_per_trade "$cpu_before" "$(cpu_snapshot)" "$trades")

perf report -i "$home/perf.data" --no-children --sort comm,dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' |
  head -n 30 >"$home/cpu-by-process.txt" || true
perf report -i "$home/perf.data" --no-children --pid "${host_pids[1]}" --sort symbol --stdio -g none 2>/dev/null |
  grep -v '^#' | grep -v '^$' | head -n 60 >"$home/host-methods.txt" || true
perf report -i "$home/perf.data" --children --pid "${host_pids[1]}" --sort symbol --stdio -g none 2>/dev/null |
  grep -v '^#' | grep -v '^$' | head -n 120 >"$home/host-methods-inclusive.txt" || true
psql_do -c "
  SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
         round((total_exec_time / $trades)::numeric, 3) AS ms_per_trade, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25" >"$home/pg-statements.txt"
psql_do -c "SELECT sum(calls) AS statements, round(sum(calls)::numeric / $trades, 1) AS per_trade FROM pg_stat_statements" >>"$home/pg-statements.txt"

echo "settled: $watch"
echo "cpu per trade: $cpu"
echo "--- PostgreSQL statements (pg-statements.txt)"; cat "$home/pg-statements.txt"
echo "--- CPU by process and library (cpu-by-process.txt)"; cat "$home/cpu-by-process.txt"
echo "--- the host by method, self time (host-methods.txt)"; head -n 40 "$home/host-methods.txt"
echo "files in $home: perf.data counters.csv host-methods-inclusive.txt"

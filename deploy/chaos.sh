#!/usr/bin/env bash
# The chaos run: proves that no trade is lost and no balance change applied twice when everything around the service fails.
#
#   deploy/chaos.sh
#
# On fresh private PostgreSQL and RabbitMQ servers, two hosts settle CHAOS_TRADES trades (default 10,000; CHAOS_FAIL_SHARE
# of them, default 2 %, lack funds) while the wallet fails CHAOS_FAULT_RATE of its deliveries (default 10 %,
# Wallet:InjectedFaultRate: half before and half after the change is committed) and, at random moments:
#   - host 1 is killed with kill -9 three times and restarted each time;
#   - RabbitMQ is stopped and started again;
#   - PostgreSQL is stopped (fast shutdown, every connection cut) and started again;
#   - host 2 is killed with kill -9 and not restarted: host 1 settles the rest.
# With CHAOS_BROKER=cluster the broker is a cluster of three RabbitMQ nodes with quorum queues, every node in the hosts'
# connection, and instead of the RabbitMQ restart:
#   - the node that leads the wallet queue is killed with kill -9, and started again some seconds later;
#   - then the node that leads the settlement queue is killed with kill -9, and started again;
#   - and another node (neither of those two) is stopped cleanly and started again.
# When every trade has an outcome (SETTLED, rolled back, or Suspended with its message in an error queue) it replays
# the error queues through the admin API until the Suspended trades have settled, then reconciles the books
# (Settlement.Host reconcile) and prints ONE JSON line:
#   {"trades":…, "settled":…, "rolled_back":…, "suspended_then_replayed":…, "lost":0, "double_applied":0, "conservation_ok":true}
# and with CHAOS_BROKER=cluster also "broker":"cluster", "killed_nodes" (each as node-I, the queue it led and its Erlang
# node name) and "restarted_node".
# Exit 0 when lost = 0, double_applied = 0 and the books balance. Logs and reports stay in CHAOS_HOME.
#
# Settings (environment variables, all optional):
#   CHAOS_TRADES (10000)  CHAOS_FAULT_RATE (0.1)  CHAOS_FAIL_SHARE (0.02)  CHAOS_USERS (1000)  CHAOS_SEED (random)
#   CHAOS_HOME (<repo>/.local/chaos)  CHAOS_PG_PORT (17432)  CHAOS_AMQP_PORT (7672)  CHAOS_MGMT_PORT (17672)
#   CHAOS_DIST_PORT (27672)  CHAOS_API_PORT (8280)  CHAOS_BROKER (single | cluster; a cluster uses the AMQP, management
#   and distribution ports above and the two after each)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/load-run.sh
source "$repo/deploy/load-run.sh"
load_run_init chaos "${CHAOS_HOME:-$repo/.local/chaos}" "${CHAOS_PG_PORT:-17432}" "${CHAOS_AMQP_PORT:-7672}" \
  "${CHAOS_MGMT_PORT:-17672}" "${CHAOS_DIST_PORT:-27672}" "${CHAOS_API_PORT:-8280}" "${CHAOS_BROKER:-single}"

trades=${CHAOS_TRADES:-10000}
fault_rate=${CHAOS_FAULT_RATE:-0.1}
fail_share=${CHAOS_FAIL_SHARE:-0.02}
users=${CHAOS_USERS:-1000}
RANDOM=${CHAOS_SEED:-$$}
run="chaos-$(date -u +%Y%m%dT%H%M%S)"
faults=("Wallet__InjectedFaultRate=$fault_rate")

build_tools
start_servers

# Funding first, without injected faults: the simulator waits for every deposit's answer.
start_host 1
simulator fund --run "$run" --users "$users" >/dev/null
stop_host 1

start_host 1 "${faults[@]}"
start_host 2 "${faults[@]}"
say "publishing $trades trades ($fail_share lacking funds) with $fault_rate of wallet deliveries failing"
simulator publish --run "$run" --trades "$trades" --users "$users" --fail-share "$fail_share" --rate 0 >/dev/null
started=$SECONDS

# at SECONDS_AFTER_PUBLISH: waits until that moment of the run
at() { local wait=$(($1 - (SECONDS - started))); ((wait <= 0)) || sleep "$wait"; }
moment() { echo $(($1 + RANDOM % ($2 - $1))); } # a random second in [$1, $2)

at "$(moment 5 20)";  say "kill -9 host 1 (1/3)"; kill_host 1; start_host 1 "${faults[@]}"
at "$(moment 25 40)"; say "kill -9 host 1 (2/3)"; kill_host 1; start_host 1 "${faults[@]}"
rabbit="$home/servers/rabbitmq"
killed_nodes=()
# kill_leader QUEUE: kill -9 of the node that leads QUEUE now; sets $node to its number.
kill_leader() {
  node=$("$servers" rabbitmq-queue-leader "$rabbit" "$1")
  say "kill -9 RabbitMQ node $node, leader of $1"
  "$servers" kill-rabbitmq-node "$rabbit" "$node"
  killed_nodes+=("\"node-$node ($1 leader, $(node_name "$node"))\"")
}
node_name() { "$servers" rabbitmq-node-name "$rabbit" "$1"; }
start_node() { say "starting RabbitMQ node $1 again"; "$servers" start-rabbitmq-node "$rabbit" "$1" >/dev/null 2>&1; }

if ((cluster_nodes > 0)); then
  at "$(moment 40 50)"; kill_leader wallet
  at "$(moment 55 60)"; start_node "$node"
  first_killed=$node
else
  at "$(moment 45 55)"; say "restarting RabbitMQ"
  "$servers" stop-rabbitmq "$rabbit" >/dev/null 2>&1
  "$servers" start-rabbitmq "$rabbit" "$amqp_port" "$mgmt_port" "$dist_port" >/dev/null 2>&1
fi
at "$(moment 65 75)"; say "kill -9 host 1 (3/3)"; kill_host 1; start_host 1 "${faults[@]}"
if ((cluster_nodes > 0)); then
  at "$(moment 75 80)"; kill_leader settlement
  at "$(moment 85 90)"; start_node "$node"
  # The graceful restart: a node that was killed neither time (of three, one always is).
  for restarted in $(seq "$cluster_nodes"); do [[ $restarted != "$node" && $restarted != "$first_killed" ]] && break; done
  say "restarting RabbitMQ node $restarted cleanly"
  "$servers" stop-rabbitmq-node "$rabbit" "$restarted" >/dev/null 2>&1
  start_node "$restarted"
fi
at "$(moment 90 100)"; say "restarting PostgreSQL"
"$servers" stop-postgres "$home/servers/postgres" >/dev/null 2>&1
"$servers" start-postgres "$home/servers/postgres" "$pg_port" >/dev/null 2>&1
at "$(moment 105 120)"; say "kill -9 host 2, for good"; kill_host 2

say "waiting for every trade's outcome"
before=$(simulator watch --run "$run" --timeout 3600 || true)
suspended=$(field suspended "$before")
say "before replay: $before"

# Replays every error queue that holds messages (the queue names come from the dead-letter list), until no trade waits.
replay_dead_letters() {
  local queue
  for queue in $(api "http://127.0.0.1:$api_port/api/dead-letters" | grep -o '"queue":"[^"]*_error"' | cut -d'"' -f4 | sort -u); do
    say "replaying $queue"
    api -X POST "http://127.0.0.1:$api_port/api/dead-letters/$queue/retry" >/dev/null || true
  done
}
after=$before
for attempt in 1 2 3 4 5; do
  (($(field suspended "$after") > 0 || $(field pending "$after") > 0)) || break
  replay_dead_letters
  sleep 10
  after=$(simulator watch --run "$run" --timeout 600 || true)
  say "after replay $attempt: $after"
done

stop_hosts
conservation_ok=false
reconcile >"$home/reconciliation.json" && conservation_ok=true
double_applied=$(grep -o '"double_applied": *[0-9]*' "$home/reconciliation.json" | grep -o '[0-9]*$' || echo unknown)
lost=$(field lost "$after")
still_suspended=$(field suspended "$after")
((still_suspended == 0)) || say "$still_suspended trades still Suspended after the replays: see $home/reconciliation.json (awaiting_replay)"

cluster_fields=""
if ((cluster_nodes > 0)); then
  cluster_fields=$(IFS=,; printf ',"broker":"cluster","killed_nodes":[%s],"restarted_node":"node-%s (%s)"' "${killed_nodes[*]}" \
    "$restarted" "$(node_name "$restarted")")
fi
printf '{"trades":%s,"settled":%s,"rolled_back":%s,"suspended_then_replayed":%s,"lost":%s,"double_applied":%s,"conservation_ok":%s%s}\n' \
  "$trades" "$(field settled "$after")" "$(field rolled_back "$after")" "$((suspended - $(field suspended "$after")))" \
  "$lost" "$double_applied" "$conservation_ok" "$cluster_fields"
[[ $lost == 0 && $still_suspended == 0 && $double_applied == 0 && $conservation_ok == true ]]

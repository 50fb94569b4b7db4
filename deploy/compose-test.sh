#!/usr/bin/env bash
# Runs deploy/docker-compose.yml for real and proves what its header promises, then removes it all (down -v):
#
#   deploy/compose-test.sh            the stack as shipped: one broker node
#   deploy/compose-test.sh cluster    with deploy/docker-compose.cluster.yml: three broker nodes, quorum queues
#
#   1. without POSTGRES_PASSWORD, RABBITMQ_PASSWORD or API_KEY (and, for the cluster, RABBITMQ_ERLANG_COOKIE), compose
#      refuses to start and names the missing one;
#   2. with them, PostgreSQL, RabbitMQ and Settlement come up healthy, every port on loopback only;
#   3. a trade posted to the API settles with exact balances;
#   4. the management UI answers on loopback, with the shovel plugins behind "Move messages";
#   5. the cluster only: three nodes run; the service's queues are quorum queues with three members; the node that leads
#      the wallet queue is killed (SIGKILL) and a trade still settles, without the service restarting, and the dead-letter
#      API still answers; the node is started again, rejoins, and a trade settles.
# Images: POSTGRES_IMAGE, RABBITMQ_IMAGE, SETTLEMENT_IMAGE (deploy/test.sh passes the ones deploy/docker.sh built);
# the defaults are the compose file's. COMPOSE is the command (default: docker-compose, else docker compose).
# Prints one line "compose check: passed" or "compose check: failed: WHY" last ("compose cluster check: ..." for the
# cluster); exits 0 only when it passed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly MODE=${1:-single}
case $MODE in
  single) readonly FILES=(-f deploy/docker-compose.yml) CHECK="compose check" ;;
  cluster) readonly FILES=(-f deploy/docker-compose.yml -f deploy/docker-compose.cluster.yml) CHECK="compose cluster check" ;;
  *) echo "usage: deploy/compose-test.sh [single|cluster]" >&2; exit 2 ;;
esac
readonly PROJECT=settlement-compose-$MODE-$$
readonly WORK=$(mktemp -d "${TMPDIR:-/tmp}/settlement-compose.XXXXXX")
readonly HEALTHY_WITHIN=300 # seconds: RabbitMQ's start (three nodes for the cluster) and the schema migration, on 2 cores

if [[ -n ${COMPOSE:-} ]]; then read -r -a compose_command <<<"$COMPOSE"
elif command -v docker-compose >/dev/null; then compose_command=(docker-compose)
else compose_command=(docker compose); fi

say() { echo "compose-test.sh: $*" >&2; }
fail() { echo "$CHECK: failed: $*"; exit 1; }
compose() { "${compose_command[@]}" -p "$PROJECT" --env-file "$WORK/.env" "${FILES[@]}" "$@"; }

cleanup() {
  local code=$?
  if [[ -f $WORK/.env ]] && ((code != 0)); then compose logs --no-color --tail 40 >&2 2>&1 || true; fi
  if [[ -f $WORK/.env ]]; then compose down -v --remove-orphans >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

secret() { od -An -tx1 -N20 /dev/urandom | tr -d ' \n'; }

# --- 1. no secret, no start ---------------------------------------------------------------------------------------------
declare -A secrets=([POSTGRES_PASSWORD]=$(secret) [RABBITMQ_PASSWORD]=$(secret) [API_KEY]=$(secret))
services=(postgres rabbitmq settlement)
if [[ $MODE == cluster ]]; then
  secrets[RABBITMQ_ERLANG_COOKIE]=$(secret)
  services=(postgres rabbitmq rabbitmq-2 rabbitmq-3 settlement)
fi
for missing in "${!secrets[@]}"; do
  : >"$WORK/.env"
  for name in "${!secrets[@]}"; do
    if [[ $name != "$missing" ]]; then echo "$name=${secrets[$name]}" >>"$WORK/.env"; fi
  done
  if output=$(env -u POSTGRES_PASSWORD -u RABBITMQ_PASSWORD -u API_KEY -u RABBITMQ_ERLANG_COOKIE \
    "${compose_command[@]}" -p "$PROJECT" --env-file "$WORK/.env" "${FILES[@]}" up --no-build --no-start 2>&1); then
    fail "compose created the stack without $missing"
  fi
  [[ $output == *"$missing"* ]] || fail "without $missing compose failed, but its message does not name it: $output"
  [[ -z $(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT") ]] ||
    fail "without $missing compose left containers behind"
  say "without $missing: refused ($(grep -o "set $missing[^,]*" <<<"$output" | head -n1))"
done

# --- 2. up, healthy, loopback only --------------------------------------------------------------------------------------
api_port=$(free_port); management_port=$(free_port); amqp_port=$(free_port); postgres_port=$(free_port)
{
  for name in "${!secrets[@]}"; do echo "$name=${secrets[$name]}"; done
  echo "API_PORT=$api_port"; echo "RABBITMQ_MANAGEMENT_PORT=$management_port"
  echo "RABBITMQ_PORT=$amqp_port"; echo "POSTGRES_PORT=$postgres_port"
  if [[ -n ${POSTGRES_IMAGE:-} ]]; then echo "POSTGRES_IMAGE=$POSTGRES_IMAGE"; fi
  if [[ -n ${RABBITMQ_IMAGE:-} ]]; then echo "RABBITMQ_IMAGE=$RABBITMQ_IMAGE"; fi
  if [[ -n ${SETTLEMENT_IMAGE:-} ]]; then echo "SETTLEMENT_IMAGE=$SETTLEMENT_IMAGE"; fi
} >"$WORK/.env"

container_health() { docker inspect -f '{{ if .State.Health }}{{ .State.Health.Status }}{{ else }}no health check{{ end }}' "$1"; }

# Waits until the service's container reports healthy, at most until $SECONDS reaches $2.
await_healthy() {
  local service=$1 deadline=$2 id
  id=$(compose ps -q "$service")
  [[ -n $id ]] || fail "no container for $service"
  while [[ $(container_health "$id") != healthy ]]; do
    ((SECONDS < deadline)) || fail "$service is not healthy in time: $(docker inspect -f '{{ .State.Status }} {{ json .State.Health }}' "$id" | tail -c 600)"
    [[ $(docker inspect -f '{{ .State.Status }}' "$id") != exited ]] || fail "$service exited: $(docker logs --tail 20 "$id" 2>&1)"
    sleep 1
  done
}

started=$SECONDS
say "up: project $PROJECT, API on 127.0.0.1:$api_port, management UI on 127.0.0.1:$management_port"
compose up -d --no-build >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; fail "docker-compose up failed"; }
for service in "${services[@]}"; do
  await_healthy "$service" $((started + HEALTHY_WITHIN))
  while read -r binding; do
    [[ $binding == 127.0.0.1:* ]] || fail "$service publishes a port beyond loopback: $binding"
  done < <(docker port "$(compose ps -q "$service")" | sed 's/.* -> //')
done
say "${services[*]} healthy in $((SECONDS - started)) s"

# --- 3. a trade settles -------------------------------------------------------------------------------------------------
api=http://127.0.0.1:$api_port/api
call() { curl -sS -H "X-Api-Key: ${secrets[API_KEY]}" -H 'Content-Type: application/json' "$@"; }

# Two new users trade 0.5 BTC at 50000 USDT; the trade must settle within $1 seconds with exact balances.
settle_trade() {
  local within=$1 buyer seller trade trade_id status attempt deadline buyer_balances seller_balances expected
  buyer=$(cat /proc/sys/kernel/random/uuid); seller=$(cat /proc/sys/kernel/random/uuid)
  call -o /dev/null -d '{"currency":"USDT","amount":"30000"}' "$api/wallets/$buyer/deposits"
  call -o /dev/null -d '{"currency":"BTC","amount":"1"}' "$api/wallets/$seller/deposits"
  # As a matching engine would: the trade carries its own id, and a 503 (the broker did not confirm it within
  # RabbitMq:PublishTimeout) is answered by posting the same trade again; it settles once however often it is posted.
  trade_id=$(cat /proc/sys/kernel/random/uuid)
  trade="{\"tradeId\":\"$trade_id\",\"symbol\":\"BTC/USDT\",\"buyerUserId\":\"$buyer\",\"sellerUserId\":\"$seller\",\"price\":\"50000\",\"quantity\":\"0.5\",\"buyerFee\":\"12.5\",\"sellerFee\":\"25\"}"
  for attempt in 1 2 3 4 5; do
    status=$(call -o "$WORK/trade.json" -w '%{http_code}' -d "$trade" "$api/trades")
    [[ $status == 503 ]] || break
    say "POST /api/trades answered 503 (attempt $attempt), posting the same trade again: $(cat "$WORK/trade.json")"
    sleep 5
  done
  [[ $status == 202 ]] || fail "POST /api/trades did not accept the trade ($status): $(cat "$WORK/trade.json")"
  deadline=$((SECONDS + within))
  until [[ $(call "$api/settlements/$trade_id") == *'"status":"SETTLED"'* ]]; do
    ((SECONDS < deadline)) || fail "trade $trade_id did not settle within $within s: $(call "$api/settlements/$trade_id")"
    sleep 0.5
  done
  buyer_balances=$(call "$api/wallets/$buyer/balances"); seller_balances=$(call "$api/wallets/$seller/balances")
  for expected in '"currency":"BTC","available":"0.5"' '"currency":"USDT","available":"4987.5"'; do
    [[ $buyer_balances == *"$expected"* ]] || fail "the buyer's balances are not $expected: $buyer_balances"
  done
  for expected in '"currency":"BTC","available":"0.5"' '"currency":"USDT","available":"24975"'; do
    [[ $seller_balances == *"$expected"* ]] || fail "the seller's balances are not $expected: $seller_balances"
  done
  say "trade $trade_id settled: buyer 0.5 BTC and 4987.5 USDT, seller 0.5 BTC and 24975 USDT"
}
settle_trade 60

# --- 4. the management UI ---------------------------------------------------------------------------------------------
management=http://127.0.0.1:$management_port
manage() { curl -sS -u "settlement:${secrets[RABBITMQ_PASSWORD]}" "$management/api/$1"; }
[[ $(curl -sS "$management/") == *"RabbitMQ Management"* ]] || fail "the management UI does not answer on $management"
plugins=$(manage overview)
[[ $plugins == *'"rabbitmq_version"'* ]] || fail "the management API refused the settlement user: $plugins"
[[ $(manage shovels) == '['* ]] || fail "the shovel plugins are not enabled (no /api/shovels)"
say "management UI and API answer on $management, shovels enabled"

if [[ $MODE == single ]]; then echo "$CHECK: passed"; exit 0; fi

# --- 5. the cluster: quorum queues on three nodes, one node lost --------------------------------------------------------
count() { grep -o "$1" | wc -l; }

# Waits until node 1's management API shows three running nodes and the wallet queue's three members online.
await_cluster() {
  local deadline=$((SECONDS + $1))
  until [[ $(manage 'nodes?columns=name,running' 2>/dev/null | count '"running":true') == 3 &&
    $(manage 'queues/%2F/wallet?columns=online' 2>/dev/null | count 'rabbit@') == 3 ]]; do
    ((SECONDS < deadline)) || fail "the cluster did not get three running nodes with the wallet queue on all three within $1 s: $(manage 'nodes?columns=name,running') $(manage 'queues/%2F/wallet?columns=online')"
    sleep 2
  done
}

await_cluster 120
for queue in settlement settlement-replies wallet; do
  info=$(manage "queues/%2F/$queue?columns=type,leader,members")
  [[ $info == *'"type":"quorum"'* ]] || fail "queue $queue is not a quorum queue: $info"
  members=$(grep -o '"members":\[[^]]*\]' <<<"$info" | count 'rabbit@')
  ((members == 3)) || fail "queue $queue does not have three members: $info"
done
leader=$(manage 'queues/%2F/wallet?columns=leader' | grep -o '"leader":"rabbit@[^"]*"' | cut -d '"' -f4)
[[ -n $leader ]] || fail "the management API does not say which node leads the wallet queue"
victim=${leader#rabbit@} # the node's host name is its compose service's name
say "three nodes run; settlement, settlement-replies and wallet are quorum queues on three members; $leader leads wallet"

settlement_id=$(compose ps -q settlement)
restarts_before=$(docker inspect -f '{{ .RestartCount }}' "$settlement_id")
compose kill -s SIGKILL "$victim" >/dev/null 2>&1 || fail "could not kill $victim"
say "killed $victim (SIGKILL), the leader of the wallet queue"
settle_trade 120
dead_letters=$(call -o /dev/null -w '%{http_code}' "$api/dead-letters")
[[ $dead_letters == 200 ]] || fail "GET /api/dead-letters answered $dead_letters with $victim down: $(call "$api/dead-letters")"
if [[ $victim == rabbitmq ]]; then # node 1: the one of RabbitMq:Uri and RabbitMq:ManagementUri
  docker logs "$settlement_id" 2>&1 | grep 'did not answer' | grep -q '"ManagementNode":"rabbitmq:15672"' ||
    fail "the dead-letter API answered, but the service's log does not show it asking another node's management API"
fi
[[ $(docker inspect -f '{{ .RestartCount }} {{ .State.Status }}' "$settlement_id") == "$restarts_before running" ]] ||
  fail "the service was restarted while $victim was down: it should have moved to another node"
say "with $victim down: a trade settled, the dead-letter API answered 200, the service ran on without a restart"

compose start "$victim" >/dev/null 2>&1 || fail "could not start $victim again"
await_healthy "$victim" $((SECONDS + HEALTHY_WITHIN))
await_cluster 120
settle_trade 60
say "$victim rejoined: three nodes run, the wallet queue has three members online, and a trade settled"

echo "$CHECK: passed"

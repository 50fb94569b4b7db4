#!/usr/bin/env bash
# Runs deploy/docker-compose.yml for real and proves what its header promises, then removes it all (down -v):
#   1. without POSTGRES_PASSWORD, RABBITMQ_PASSWORD or API_KEY, compose refuses to start and names the missing one;
#   2. with them, PostgreSQL, RabbitMQ and Settlement come up healthy, every port on loopback only;
#   3. a trade posted to the API settles with exact balances;
#   4. the management UI answers on loopback, with the shovel plugins behind "Move messages".
# Images: POSTGRES_IMAGE, RABBITMQ_IMAGE, SETTLEMENT_IMAGE (deploy/test.sh passes the ones deploy/docker.sh built);
# the defaults are the compose file's. COMPOSE is the command (default: docker-compose, else docker compose).
# Prints one line "compose check: passed" or "compose check: failed: WHY" last; exits 0 only when it passed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly FILE=deploy/docker-compose.yml
readonly PROJECT=settlement-compose-check-$$
readonly WORK=$(mktemp -d "${TMPDIR:-/tmp}/settlement-compose.XXXXXX")
readonly HEALTHY_WITHIN=240 # seconds: RabbitMQ's start and the service's schema migration, on 2 cores

if [[ -n ${COMPOSE:-} ]]; then read -r -a compose_command <<<"$COMPOSE"
elif command -v docker-compose >/dev/null; then compose_command=(docker-compose)
else compose_command=(docker compose); fi

say() { echo "compose-test.sh: $*" >&2; }
fail() { echo "compose check: failed: $*"; exit 1; }
compose() { "${compose_command[@]}" -p "$PROJECT" --env-file "$WORK/.env" -f "$FILE" "$@"; }

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
for missing in POSTGRES_PASSWORD RABBITMQ_PASSWORD API_KEY; do
  : >"$WORK/.env"
  for name in "${!secrets[@]}"; do
    if [[ $name != "$missing" ]]; then echo "$name=${secrets[$name]}" >>"$WORK/.env"; fi
  done
  if output=$(env -u POSTGRES_PASSWORD -u RABBITMQ_PASSWORD -u API_KEY "${compose_command[@]}" -p "$PROJECT" \
    --env-file "$WORK/.env" -f "$FILE" up --no-build --no-start 2>&1); then
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

started=$SECONDS
say "up: project $PROJECT, API on 127.0.0.1:$api_port, management UI on 127.0.0.1:$management_port"
compose up -d --no-build >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; fail "docker-compose up failed"; }
for service in postgres rabbitmq settlement; do
  id=$(compose ps -q "$service")
  [[ -n $id ]] || fail "no container for $service"
  while [[ $(docker inspect -f '{{ if .State.Health }}{{ .State.Health.Status }}{{ else }}no health check{{ end }}' "$id") != healthy ]]; do
    ((SECONDS - started < HEALTHY_WITHIN)) || fail "$service is not healthy after $HEALTHY_WITHIN s: $(docker inspect -f '{{ .State.Status }} {{ json .State.Health }}' "$id" | tail -c 600)"
    [[ $(docker inspect -f '{{ .State.Status }}' "$id") != exited ]] || fail "$service exited: $(docker logs --tail 20 "$id" 2>&1)"
    sleep 1
  done
  while read -r binding; do
    [[ $binding == 127.0.0.1:* ]] || fail "$service publishes a port beyond loopback: $binding"
  done < <(docker port "$id" | sed 's/.* -> //')
done
say "healthy in $((SECONDS - started)) s"

# --- 3. a trade settles -------------------------------------------------------------------------------------------------
api=http://127.0.0.1:$api_port/api
call() { curl -sS -H "X-Api-Key: ${secrets[API_KEY]}" -H 'Content-Type: application/json' "$@"; }
buyer=$(cat /proc/sys/kernel/random/uuid); seller=$(cat /proc/sys/kernel/random/uuid)
call -o /dev/null -d '{"currency":"USDT","amount":"30000"}' "$api/wallets/$buyer/deposits"
call -o /dev/null -d '{"currency":"BTC","amount":"1"}' "$api/wallets/$seller/deposits"
trade=$(call -d "{\"symbol\":\"BTC/USDT\",\"buyerUserId\":\"$buyer\",\"sellerUserId\":\"$seller\",\"price\":\"50000\",\"quantity\":\"0.5\",\"buyerFee\":\"12.5\",\"sellerFee\":\"25\"}" "$api/trades")
trade_id=$(grep -o '"tradeId":"[^"]*"' <<<"$trade" | head -n1 | cut -d '"' -f4)
[[ -n $trade_id ]] || fail "POST /api/trades did not accept the trade: $trade"
deadline=$((SECONDS + 60))
until [[ $(call "$api/settlements/$trade_id") == *'"status":"SETTLED"'* ]]; do
  ((SECONDS < deadline)) || fail "trade $trade_id did not settle within 60 s: $(call "$api/settlements/$trade_id")"
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

# --- 4. the management UI ---------------------------------------------------------------------------------------------
management=http://127.0.0.1:$management_port
[[ $(curl -sS "$management/") == *"RabbitMQ Management"* ]] || fail "the management UI does not answer on $management"
plugins=$(curl -sS -u "settlement:${secrets[RABBITMQ_PASSWORD]}" "$management/api/overview")
[[ $plugins == *'"rabbitmq_version"'* ]] || fail "the management API refused the settlement user: $plugins"
[[ $(curl -sS -u "settlement:${secrets[RABBITMQ_PASSWORD]}" "$management/api/shovels") == '['* ]] ||
  fail "the shovel plugins are not enabled (no /api/shovels)"
say "management UI and API answer on $management, shovels enabled"

echo "compose check: passed"

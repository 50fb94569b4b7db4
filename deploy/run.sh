#!/usr/bin/env bash
# The first command: runs Settlement on this machine with its own PostgreSQL and RabbitMQ.
#
#   deploy/run.sh
#
# On a fresh Debian machine (as root) it installs postgresql and rabbitmq-server if they are missing, starts both as local
# processes on loopback with their data under one folder (so the next run finds its data again), builds the service and
# runs it in the foreground. Ctrl-C (or SIGTERM) stops the service gracefully, then both servers.
#
# Settings (environment variables, all optional):
#   SETTLEMENT_HOME       folder for data, logs and the API key          (default: <repo>/.local)
#   POSTGRES_PORT         PostgreSQL port                                 (default: 15432)
#   RABBITMQ_PORT         AMQP port                                       (default: 5672)
#   RABBITMQ_MGMT_PORT    management UI and HTTP API port                 (default: 15672)
#   RABBITMQ_DIST_PORT    Erlang distribution port                        (default: 25672)
#   API_PORT              admin API, /metrics and /health                 (default: 8080)
#   Api__Key, Settlement__*, Wallet__*, Service__Roles ...                passed to the service as they are (docs/configuration.md)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=deploy/load-run.sh
source "$repo/deploy/load-run.sh"
load_run_settings run.sh "${SETTLEMENT_HOME:-$repo/.local}" "${POSTGRES_PORT:-15432}" "${RABBITMQ_PORT:-5672}" \
  "${RABBITMQ_MGMT_PORT:-15672}" "${RABBITMQ_DIST_PORT:-25672}" "${API_PORT:-8080}"

stop_servers() {
  say "stopping PostgreSQL and RabbitMQ"
  "$servers" stop-rabbitmq "$home/rabbitmq" || true
  "$servers" stop-postgres "$home/postgres" || true
}

"$servers" start-postgres "$home/postgres" "$pg_port"
trap stop_servers EXIT
"$servers" start-rabbitmq "$home/rabbitmq" "$amqp_port" "$mgmt_port" "$dist_port"
"$servers" create-database "$pg_port" settlement

# The admin API key: generated on the first run and kept, unless one is given.
if [[ -z ${Api__Key:-} ]]; then
  [[ -s $home/api-key ]] || (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$home/api-key")
  Api__Key=$(cat "$home/api-key")
fi
api_key=$Api__Key

say "building the service"
publish_host "$home/host"

cat >&2 <<INFO

  Settlement is starting (the schema is applied on start-up).
    admin API       http://127.0.0.1:$api_port/api          header X-Api-Key: $Api__Key
    metrics         http://127.0.0.1:$api_port/metrics
    health          http://127.0.0.1:$api_port/health/ready
    RabbitMQ UI     http://127.0.0.1:$mgmt_port/             guest / guest
    PostgreSQL      $(connection settlement)
    data and logs   $home
  Ctrl-C stops the service, then both servers.

INFO

host_environment "$api_port" "${DOTNET_ENVIRONMENT:-Production}"

# From its own folder, so that its appsettings.json is found (the content root is the working directory).
(cd "$home/host" && exec dotnet Settlement.Host.dll) &
service=$!
forward() { say "stopping the service"; kill -TERM "$service" 2>/dev/null || true; }
trap forward INT TERM
# wait returns early (128 + signal) when a trapped signal arrives: wait again for the service's own exit status.
while :; do
  wait "$service" && status=0 || status=$?
  kill -0 "$service" 2>/dev/null || break
done
say "the service exited with $status"
exit "$status"

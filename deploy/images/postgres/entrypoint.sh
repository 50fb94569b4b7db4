#!/bin/bash
# First start: initdb with POSTGRES_USER / POSTGRES_PASSWORD (required, as in the official image), password
# authentication from the network, and the database POSTGRES_DB. Then the server, listening on every interface.
set -euo pipefail
if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi # only options: they are the server's, as in the official image
if [[ ${1:-} != postgres ]]; then exec "$@"; fi
shift

user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
if [[ ! -s $PGDATA/PG_VERSION ]]; then
  if [[ -z ${POSTGRES_PASSWORD:-} ]]; then
    echo "docker-entrypoint.sh: POSTGRES_PASSWORD is not set: the superuser needs a password" >&2
    exit 1
  fi
  initdb -D "$PGDATA" -U "$user" -E UTF8 --no-locale --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") >/dev/null
  printf '%s\n' "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [[ $database != postgres ]]; then
    echo "CREATE DATABASE \"$database\";" | postgres --single -D "$PGDATA" -j postgres >/dev/null
  fi
  echo "docker-entrypoint.sh: initialised $PGDATA (user $user, database $database)"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"

#!/bin/bash
# RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS become the default user, as in the official image.
set -euo pipefail
{
  cat /etc/rabbitmq/rabbitmq.conf
  if [[ -n ${RABBITMQ_DEFAULT_USER:-} ]]; then echo "default_user = $RABBITMQ_DEFAULT_USER"; fi
  if [[ -n ${RABBITMQ_DEFAULT_PASS:-} ]]; then echo "default_pass = $RABBITMQ_DEFAULT_PASS"; fi
} >/etc/rabbitmq/conf.d/10-settlement.conf
exec "$@"

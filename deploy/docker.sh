#!/usr/bin/env bash
# A Docker engine and the images the end-to-end tests and the compose stack run, on a Debian machine that can reach
# Debian's packages but no image registry. The one place that knows how; deploy/test.sh calls it.
#
#   deploy/docker.sh install    apt-get install docker.io iptables debootstrap docker-compose, if missing (root)
#   deploy/docker.sh start      start dockerd (overlay2, published ports on 127.0.0.1 only) unless an engine answers
#   deploy/docker.sh server-images   the first three images below only (no .NET build needed)
#   deploy/docker.sh images     build the local images, each only when its recipe changed:
#                                 settlement-local/debian:bookworm    debootstrap --variant=minbase bookworm + docker import
#                                 settlement-local/postgres:15        deploy/images/postgres, FROM the base
#                                 settlement-local/rabbitmq:3.10-management  deploy/images/rabbitmq (management, shovel)
#                                 settlement:local                    deploy/Dockerfile, target from-publish, from a
#                                                                     self-contained dotnet publish on this machine
#   deploy/docker.sh env        print the settings the tests need against this engine and these images (eval it)
#   deploy/docker.sh up         install, start and images, in that order
#   deploy/docker.sh reap       remove the containers and networks the end-to-end tests left (label org.settlement.e2e)
#   deploy/docker.sh stop       stop the dockerd this script started (and its containers); an engine it found stays
#   deploy/docker.sh status     what runs, and which images are there
#
# Where no engine can be had it fails with a message naming what to install; it never skips.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly STATE=${SETTLEMENT_DOCKER_STATE:-/run/settlement-docker} # the pid and log of the dockerd started here
readonly BASE_IMAGE=settlement-local/debian:bookworm
readonly POSTGRES_IMAGE=settlement-local/postgres:15
readonly RABBITMQ_IMAGE=settlement-local/rabbitmq:3.10-management
readonly SERVICE_IMAGE=${SETTLEMENT_IMAGE:-settlement:local}
readonly PUBLISH_DIR=artifacts/publish/host # deploy/Dockerfile's from-publish target copies it
readonly DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly RECIPE_LABEL=org.settlement.recipe
readonly PACKAGES=(docker.io iptables debootstrap docker-compose)
INSTALL_HINT="install Docker: on Debian, as root: apt-get install ${PACKAGES[*]} (or run deploy/docker.sh install); elsewhere Docker Engine and docker compose from docs.docker.com"

say() { echo "docker.sh: $*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }
engine_answers() { docker info >/dev/null 2>&1; }

missing_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  echo "${missing[@]}"
}

cmd_install() {
  local missing policy=/usr/sbin/policy-rc.d
  missing=$(missing_packages)
  if [[ -z $missing ]]; then
    say "docker.io, iptables, debootstrap and docker-compose are installed"
    return
  fi
  is_root || die "missing: $missing; $INSTALL_HINT"
  command -v apt-get >/dev/null || die "missing: $missing, and this is no Debian machine; $INSTALL_HINT"
  say "installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  # The package's scripts would start a dockerd of their own: this script starts the engine, and stops what it started.
  local made_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=true
  fi
  # shellcheck disable=SC2086 # $missing is a list of package names
  apt-get install -y -q --no-install-recommends $missing >&2 ||
    { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends $missing >&2; } ||
    { if $made_policy; then rm -f "$policy"; fi; die "apt-get could not install $missing; $INSTALL_HINT"; }
  if $made_policy; then rm -f "$policy"; fi
  missing=$(missing_packages)
  [[ -z $missing ]] || die "apt-get ran, yet $missing is still missing; $INSTALL_HINT"
}

cmd_start() {
  if engine_answers; then
    say "a Docker engine already answers: using it"
    return
  fi
  command -v dockerd >/dev/null || die "no Docker engine answers and dockerd is not installed; $INSTALL_HINT"
  is_root || die "no Docker engine answers, and only root can start dockerd; start Docker, or $INSTALL_HINT"
  mkdir -p "$STATE"
  say "starting dockerd (log: $STATE/dockerd.log)"
  setsid dockerd --storage-driver=overlay2 --ip=127.0.0.1 >"$STATE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE/dockerd.pid"
  for _ in $(seq 120); do
    if engine_answers; then
      say "dockerd $(cat "$STATE/dockerd.pid") is ready"
      return
    fi
    kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 30 "$STATE/dockerd.log" >&2
  cmd_stop
  die "dockerd did not start (its log is above: $STATE/dockerd.log)"
}

cmd_stop() {
  local pid
  [[ -f $STATE/dockerd.pid ]] || { say "no dockerd started by this script runs"; return 0; }
  pid=$(cat "$STATE/dockerd.pid")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping dockerd $pid and its containers"
    kill -TERM "$pid"
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      say "dockerd $pid did not stop within 60 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$STATE/dockerd.pid"
}

# --- Images: each carries the hash of its recipe in a label; an image whose label matches is not built again ----------

recipe_of() { docker image inspect -f "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{ .Id }}' "$1"; }
hash_files() { find "$@" -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }

build_base() {
  local recipe dir
  command -v debootstrap >/dev/null || die "debootstrap is not installed; $INSTALL_HINT"
  recipe=$(echo "debootstrap minbase bookworm $DEBIAN_MIRROR v1" | sha256sum | cut -c1-16)
  if [[ $(recipe_of "$BASE_IMAGE") == "$recipe" ]]; then say "$BASE_IMAGE is up to date"; return; fi
  say "building $BASE_IMAGE with debootstrap"
  dir=$(mktemp -d /var/tmp/settlement-bookworm.XXXXXX)
  # shellcheck disable=SC2064 # expand now: the folder is this build's
  trap "rm -rf '$dir'" RETURN
  debootstrap --variant=minbase bookworm "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 ||
    { tail -n 20 "$dir.log" >&2; die "debootstrap failed (log: $dir.log)"; }
  rm -f "$dir.log"
  printf '%s\n' "deb $DEBIAN_MIRROR bookworm main" "deb $DEBIAN_MIRROR bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" >"$dir/etc/apt/sources.list"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | docker import --change 'CMD ["bash"]' --change "LABEL $RECIPE_LABEL=$recipe" - "$BASE_IMAGE" >/dev/null
}

build_from_folder() { # IMAGE FOLDER
  local image=$1 folder=$2 recipe
  recipe=$( (hash_files "$folder"; image_id "$BASE_IMAGE") | sha256sum | cut -c1-16)
  if [[ $(recipe_of "$image") == "$recipe" ]]; then say "$image is up to date"; return; fi
  say "building $image from $folder"
  docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "$RECIPE_LABEL=$recipe" -t "$image" "$folder" >/dev/null
}

build_service() {
  local recipe
  recipe=$( (hash_files src global.json Directory.Build.props Directory.Packages.props .editorconfig deploy/Dockerfile .dockerignore
    image_id "$BASE_IMAGE") | sha256sum | cut -c1-16)
  if [[ $(recipe_of "$SERVICE_IMAGE") == "$recipe" ]]; then say "$SERVICE_IMAGE is up to date"; return; fi
  say "publishing the host (self-contained, linux-x64) into $PUBLISH_DIR"
  rm -rf "$PUBLISH_DIR"
  dotnet publish src/Settlement.Host -c Release -r linux-x64 --self-contained -o "$PUBLISH_DIR" --nologo -v quiet \
    -p:UseAppHost=true >&2
  say "building $SERVICE_IMAGE from deploy/Dockerfile (target from-publish)"
  docker build -q -f deploy/Dockerfile --target from-publish --build-arg "DEBIAN_IMAGE=$BASE_IMAGE" \
    --label "$RECIPE_LABEL=$recipe" -t "$SERVICE_IMAGE" . >/dev/null
}

cmd_server_images() {
  engine_answers || die "no Docker engine answers: run deploy/docker.sh start first, or $INSTALL_HINT"
  local started=$SECONDS
  build_base
  build_from_folder "$POSTGRES_IMAGE" deploy/images/postgres
  build_from_folder "$RABBITMQ_IMAGE" deploy/images/rabbitmq
  say "server images ready in $((SECONDS - started)) s"
}

cmd_images() {
  local started=$SECONDS
  cmd_server_images
  build_service
  say "images ready in $((SECONDS - started)) s"
}

# Docker.DotNet (under Testcontainers) does not negotiate the API version: give it the engine's. Testcontainers dials
# localhost for published ports (inside a container it would dial the bridge gateway), and its clean-up helper (Ryuk)
# is an image that cannot be pulled here, so the tests remove their containers themselves.
cmd_env() {
  engine_answers || die "no Docker engine answers; $INSTALL_HINT"
  cat <<EOF
export DOCKER_API_VERSION=$(docker version -f '{{ .Server.APIVersion }}')
export TESTCONTAINERS_HOST_OVERRIDE=localhost
export TESTCONTAINERS_RYUK_DISABLED=true
export SETTLEMENT_E2E_POSTGRES_IMAGE=$POSTGRES_IMAGE
export SETTLEMENT_E2E_RABBITMQ_IMAGE=$RABBITMQ_IMAGE
export SETTLEMENT_E2E_SERVICE_IMAGE=$SERVICE_IMAGE
export SETTLEMENT_E2E_PULL=never
EOF
}

# The end-to-end tests remove their containers when they finish; a test process that was killed cannot.
cmd_reap() {
  engine_answers || return 0
  local containers networks
  containers=$(docker ps -aq --filter label=org.settlement.e2e)
  networks=$(docker network ls -q --filter label=org.settlement.e2e)
  # shellcheck disable=SC2086 # lists of ids
  if [[ -n $containers ]]; then say "removing containers the tests left"; docker rm -f -v $containers >/dev/null; fi
  # shellcheck disable=SC2086
  if [[ -n $networks ]]; then docker network rm $networks >/dev/null; fi
}

cmd_status() {
  say "packages missing: $(missing_packages)"
  if [[ -f $STATE/dockerd.pid ]] && kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null; then
    say "dockerd $(cat "$STATE/dockerd.pid") runs, started by this script"
  fi
  if engine_answers; then
    docker images --filter "label=$RECIPE_LABEL" --format '{{.Repository}}:{{.Tag}}  {{.Size}}  {{.CreatedSince}}'
  else
    say "no Docker engine answers"
  fi
}

verb=${1:-}
shift || true
case $verb in
  install) cmd_install ;;
  start) cmd_start ;;
  server-images) cmd_server_images ;;
  images) cmd_images ;;
  env) cmd_env ;;
  up) cmd_install && cmd_start && cmd_images ;;
  stop) cmd_stop ;;
  reap) cmd_reap ;;
  status) cmd_status ;;
  *) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2 ;;
esac

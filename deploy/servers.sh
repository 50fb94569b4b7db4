#!/usr/bin/env bash
# Private PostgreSQL and RabbitMQ servers, each in a folder of its own and listening on loopback ports only.
# The one place that knows how to install, start and stop them: the test fixture (tests/Settlement.Testing) and the
# scripts that run the service locally call this script.
#
#   deploy/servers.sh install                      apt-get install postgresql rabbitmq-server, if they are missing (root)
#   deploy/servers.sh start-postgres DIR PORT      initdb DIR on first use (trust auth, user postgres), start on 127.0.0.1:PORT
#   deploy/servers.sh stop-postgres DIR            fast shutdown; the data stays for the next start
#   deploy/servers.sh start-rabbitmq DIR AMQP_PORT MGMT_PORT DIST_PORT
#                                                  a node of its own (user guest/guest) with the management and shovel plugins
#   deploy/servers.sh stop-rabbitmq DIR            clean stop; the data stays for the next start
#   deploy/servers.sh start-rabbitmq-cluster DIR AMQP_PORTS MGMT_PORTS DIST_PORTS
#                                                  one node per port of the comma-separated lists (node I in DIR/node-I
#                                                  on the I-th port of each), all with one Erlang cookie, joined in one
#                                                  cluster; e.g. start-rabbitmq-cluster DIR 5672,5673,5674 15672,15673,15674 25672,25673,25674
#   deploy/servers.sh stop-rabbitmq-node DIR I     clean stop of node I of the cluster in DIR
#   deploy/servers.sh kill-rabbitmq-node DIR I     kill -9 of node I (its Erlang VM), as a crash
#   deploy/servers.sh start-rabbitmq-node DIR I    starts node I again on its ports; it rejoins the cluster by itself
#   deploy/servers.sh stop-rabbitmq-cluster DIR    clean stop of every node
#   deploy/servers.sh rabbitmq-node-name DIR I     the Erlang node name of node I (settlement-…@localhost)
#   deploy/servers.sh rabbitmq-queue-leader DIR QUEUE [VHOST]
#                                                  the number I of the node that leads quorum queue QUEUE (vhost /)
#   deploy/servers.sh create-database PORT NAME    create database NAME on the server at 127.0.0.1:PORT unless it exists
#   deploy/servers.sh status [DIR...]              whether the binaries are there, and what runs in each DIR
#   deploy/servers.sh remove DIR                   kill the servers in DIR and up to three levels below it, delete DIR
#   deploy/servers.sh reap ROOT                    remove ROOT/<pid> for every <pid> whose process is gone
#
# Starting is idempotent (a server that already runs in DIR is left alone), and so is stopping. As root the servers run as
# the postgres and rabbitmq users (PostgreSQL refuses to run as root), so DIR must be reachable by them.
set -euo pipefail
shopt -s nullglob

INSTALL_HINT='install them with: sudo deploy/servers.sh install   (or: sudo apt-get install -y postgresql rabbitmq-server)'
START_TIMEOUT_SECONDS=90

say() { echo "servers.sh: $*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a command as a service user when we are root; as anyone else, as ourselves.
as_user() {
  local user=$1; shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

pg_bin() {
  local dirs=(/usr/lib/postgresql/*/bin)
  if ((${#dirs[@]})); then
    printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
  elif command -v initdb >/dev/null; then
    dirname "$(command -v initdb)"
  else
    return 1
  fi
}

rabbit_bin() {
  if [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]]; then
    echo /usr/lib/rabbitmq/bin # Debian's own scripts, without the wrapper that only root or rabbitmq may call
  elif command -v rabbitmq-server >/dev/null; then
    dirname "$(command -v rabbitmq-server)"
  else
    return 1
  fi
}

require_bin() {
  local name=$1 finder=$2 dir
  dir=$("$finder") || die "$name is not installed: $INSTALL_HINT"
  echo "$dir"
}

# Creates DIR if needed and hands it to the user the server runs as.
own_dir() {
  local dir=$1 user=$2
  mkdir -p "$dir"
  if is_root; then chown -R "$user:" "$dir"; fi
}

absolute() { (cd "$1" && pwd -P); }

pid_alive() { [[ -f $1 ]] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }

cmd_install() {
  if pg_bin >/dev/null && rabbit_bin >/dev/null; then
    say "postgresql and rabbitmq-server are installed"
    return
  fi
  is_root || die "postgresql or rabbitmq-server is missing; $INSTALL_HINT"
  say "installing postgresql and rabbitmq-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql rabbitmq-server >&2
  if ! pg_bin >/dev/null || ! rabbit_bin >/dev/null; then die "apt-get ran, yet the binaries are still missing"; fi
}

# --- PostgreSQL: data in DIR/data, its socket in DIR, its log in DIR/postgres.log --------------------------------------

pg_running() { [[ -f $1/data/PG_VERSION ]] && as_user postgres "$(pg_bin)/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

cmd_start_postgres() {
  [[ $# -eq 2 ]] || die "usage: start-postgres DIR PORT"
  local bin dir port=$2
  bin=$(require_bin PostgreSQL pg_bin)
  own_dir "$1" postgres
  dir=$(absolute "$1")
  if [[ ! -f $dir/data/PG_VERSION ]]; then
    as_user postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed in $dir/data"; }
    printf '%s\n' "listen_addresses = '127.0.0.1'" "unix_socket_directories = '$dir'" \
      'max_connections = 1000' 'fsync = on' >>"$dir/data/postgresql.conf"
  fi
  if pg_running "$dir"; then
    say "PostgreSQL already runs in $dir"
    return
  fi
  as_user postgres setsid -w "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "-p $port" \
    -w -t "$START_TIMEOUT_SECONDS" start >&2 ||
    { tail -n 20 "$dir/postgres.log" >&2; die "PostgreSQL did not start in $dir on port $port"; }
}

cmd_stop_postgres() {
  [[ $# -eq 1 ]] || die "usage: stop-postgres DIR"
  local dir=$1 bin
  pg_running "$dir" || return 0
  bin=$(pg_bin)
  as_user postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 ||
    as_user postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >&2
}

# --- RabbitMQ: config, cookie and pid file in DIR, data in DIR/mnesia, logs in DIR/log and DIR/out.log ---------------

# A node name of its own for each folder, the same on every start, so a restart finds its data again.
rabbit_node() { echo "settlement-$(absolute "$1" | cksum | cut -d ' ' -f 1)@localhost"; }

# Sets RABBIT_ENV: everything that ties a node and the CLI tools to DIR, not to /etc/rabbitmq and /var/lib/rabbitmq.
# HOME is DIR, so the node and rabbitmqctl share DIR/.erlang.cookie.
set_rabbit_env() {
  local dir=$1
  RABBIT_ENV=(HOME="$dir" RABBITMQ_NODENAME="$(rabbit_node "$dir")"
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid")
}

rabbitmqctl_in() {
  local dir=$1; shift
  set_rabbit_env "$dir"
  (cd "$dir" && as_user rabbitmq env "${RABBIT_ENV[@]}" "$(rabbit_bin)/rabbitmqctl" -n "$(rabbit_node "$dir")" "$@")
}

cmd_start_rabbitmq() {
  [[ $# -eq 4 ]] || die "usage: start-rabbitmq DIR AMQP_PORT MGMT_PORT DIST_PORT"
  local bin dir amqp_port=$2 mgmt_port=$3 dist_port=$4 server waiter
  bin=$(require_bin RabbitMQ rabbit_bin)
  mkdir -p "$1"
  dir=$(absolute "$1")
  if pid_alive "$dir/pid"; then
    say "RabbitMQ already runs in $dir"
    return
  fi
  rm -f "$dir/pid"
  printf '%s\n' "listeners.tcp.default = 127.0.0.1:$amqp_port" "management.tcp.ip = 127.0.0.1" \
    "management.tcp.port = $mgmt_port" 'loopback_users = none' >"$dir/rabbitmq.conf"
  echo '[rabbitmq_management,rabbitmq_shovel,rabbitmq_shovel_management].' >"$dir/enabled_plugins"
  if [[ ! -f $dir/.erlang.cookie ]]; then
    (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$dir/.erlang.cookie")
  fi
  own_dir "$dir" rabbitmq

  set_rabbit_env "$dir"
  (cd "$dir" && as_user rabbitmq setsid env "${RABBIT_ENV[@]}" RABBITMQ_DIST_PORT="$dist_port" "$bin/rabbitmq-server" \
    >"$dir/out.log" 2>&1 </dev/null) &
  server=$!
  rabbitmqctl_in "$dir" wait --timeout "$START_TIMEOUT_SECONDS" "$dir/pid" >"$dir/wait.log" 2>&1 &
  waiter=$!
  # Fail fast when the node dies while starting (say, a port in use) instead of waiting out the timeout.
  while kill -0 "$waiter" 2>/dev/null; do
    if ! kill -0 "$server" 2>/dev/null && ! pid_alive "$dir/pid"; then
      kill "$waiter" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  if ! wait "$waiter"; then
    tail -n 30 "$dir/out.log" "$dir/wait.log" >&2
    die "RabbitMQ did not start in $dir on port $amqp_port"
  fi
}

cmd_stop_rabbitmq() {
  [[ $# -eq 1 ]] || die "usage: stop-rabbitmq DIR"
  local dir=$1 pid
  pid_alive "$dir/pid" || return 0
  rabbitmqctl_in "$dir" stop "$(absolute "$dir")/pid" >&2 && return 0
  pid=$(head -n 1 "$dir/pid")
  say "rabbitmqctl could not stop the node in $dir: terminating process $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

# --- A RabbitMQ cluster: DIR/node-1 … DIR/node-N, and DIR/cluster with the AMQP, management and distribution ports ----

cluster_ports() { # DIR: sets nodes and the arrays amqp_ports, mgmt_ports, dist_ports from DIR/cluster
  [[ -f $1/cluster ]] || die "no RabbitMQ cluster in $1 (start-rabbitmq-cluster makes one)"
  local amqp mgmt dist
  { read -r amqp; read -r mgmt; read -r dist; } <"$1/cluster"
  IFS=, read -r -a amqp_ports <<<"$amqp"
  IFS=, read -r -a mgmt_ports <<<"$mgmt"
  IFS=, read -r -a dist_ports <<<"$dist"
  nodes=${#amqp_ports[@]}
}

node_number() { # DIR I: checks I
  [[ $2 =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= nodes)) || die "node '$2' is not one of 1..$nodes of the cluster in $1"
}

cmd_start_rabbitmq_node() {
  [[ $# -eq 2 ]] || die "usage: start-rabbitmq-node DIR I"
  cluster_ports "$1"
  node_number "$1" "$2"
  local i=$(($2 - 1))
  cmd_start_rabbitmq "$1/node-$2" "${amqp_ports[$i]}" "${mgmt_ports[$i]}" "${dist_ports[$i]}"
}

cmd_stop_rabbitmq_node() {
  [[ $# -eq 2 ]] || die "usage: stop-rabbitmq-node DIR I"
  cluster_ports "$1"
  node_number "$1" "$2"
  cmd_stop_rabbitmq "$1/node-$2"
}

cmd_kill_rabbitmq_node() {
  [[ $# -eq 2 ]] || die "usage: kill-rabbitmq-node DIR I"
  cluster_ports "$1"
  node_number "$1" "$2"
  local pid
  pid_alive "$1/node-$2/pid" || return 0
  pid=$(head -n 1 "$1/node-$2/pid")
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

cmd_start_rabbitmq_cluster() {
  [[ $# -eq 4 ]] || die "usage: start-rabbitmq-cluster DIR AMQP_PORTS MGMT_PORTS DIST_PORTS (comma-separated, one port per node)"
  local dir i first pids=() failed=0 count
  for count in "$2" "$3" "$4"; do [[ $count =~ ^[0-9]+(,[0-9]+)*$ ]] || die "'$count' is not a comma-separated list of ports"; done
  [[ $(tr -cd , <<<"$2") == $(tr -cd , <<<"$3") && $(tr -cd , <<<"$2") == $(tr -cd , <<<"$4") ]] ||
    die "give as many management and distribution ports as AMQP ports"
  mkdir -p "$1"
  dir=$(absolute "$1")
  [[ -f $dir/cluster ]] || printf '%s\n' "$2" "$3" "$4" >"$dir/cluster"
  cluster_ports "$dir"
  # One Erlang cookie for every node and for the CLI tools (each node's HOME is its folder): they must share it to talk.
  if [[ ! -f $dir/.erlang.cookie ]]; then
    (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$dir/.erlang.cookie")
  fi
  for ((i = 1; i <= nodes; i++)); do
    mkdir -p "$dir/node-$i"
    [[ -f $dir/node-$i/.erlang.cookie ]] || cp "$dir/.erlang.cookie" "$dir/node-$i/.erlang.cookie"
  done
  for ((i = 1; i <= nodes; i++)); do
    cmd_start_rabbitmq_node "$dir" "$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || failed=1; done
  ((failed == 0)) || die "a node of the cluster in $dir did not start"
  first=$(rabbit_node "$dir/node-1")
  for ((i = 2; i <= nodes; i++)); do
    if rabbitmqctl_in "$dir/node-$i" cluster_status 2>/dev/null | grep -q "$first"; then continue; fi
    say "joining node $i to $first"
    rabbitmqctl_in "$dir/node-$i" stop_app >/dev/null
    rabbitmqctl_in "$dir/node-$i" join_cluster "$first" >&2
    rabbitmqctl_in "$dir/node-$i" start_app >/dev/null
  done
}

cmd_stop_rabbitmq_cluster() {
  [[ $# -eq 1 ]] || die "usage: stop-rabbitmq-cluster DIR"
  [[ -f $1/cluster ]] || return 0
  cluster_ports "$1"
  local i
  for ((i = nodes; i >= 1; i--)); do cmd_stop_rabbitmq "$1/node-$i"; done
}

# Asks the management API of the first running node which node leads the queue, and answers with its number.
cmd_rabbitmq_queue_leader() {
  [[ $# -eq 2 || $# -eq 3 ]] || die "usage: rabbitmq-queue-leader DIR QUEUE [VHOST]"
  cluster_ports "$1"
  local vhost i j leader
  vhost=$(printf '%s' "${3:-/}" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')
  for ((i = 1; i <= nodes; i++)); do
    pid_alive "$1/node-$i/pid" || continue
    leader=$(curl -sf -u guest:guest "http://127.0.0.1:${mgmt_ports[$((i - 1))]}/api/queues/$vhost/$2?columns=leader" |
      grep -o '"leader":"[^"]*"' | cut -d'"' -f4) || continue
    [[ -n $leader ]] || continue
    for ((j = 1; j <= nodes; j++)); do
      if [[ $(rabbit_node "$1/node-$j") == "$leader" ]]; then echo "$j"; return 0; fi
    done
  done
  die "no running node of the cluster in $1 names a leader of queue $2 (is it a quorum queue?)"
}

cmd_create_database() {
  [[ $# -eq 2 ]] || die "usage: create-database PORT NAME"
  local psql
  psql="$(require_bin PostgreSQL pg_bin)/psql"
  [[ $2 =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name '$2' must be lower-case letters, digits and _"
  if [[ -z $("$psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$2'") ]]; then
    "$psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -qc "CREATE DATABASE $2" >&2
  fi
}

# --- Everything else ---------------------------------------------------------------------------------------------------

cmd_status() {
  local missing=0 dir
  if pg_bin >/dev/null; then say "PostgreSQL binaries: $(pg_bin)"; else say "PostgreSQL: not installed"; missing=1; fi
  if rabbit_bin >/dev/null; then say "RabbitMQ binaries: $(rabbit_bin)"; else say "RabbitMQ: not installed"; missing=1; fi
  for dir in "$@"; do
    if [[ -f $dir/data/PG_VERSION ]]; then
      if pg_running "$dir"; then echo "$dir: postgres running"; else echo "$dir: postgres stopped"; fi
    elif [[ -f $dir/rabbitmq.conf ]]; then
      if pid_alive "$dir/pid"; then echo "$dir: rabbitmq running"; else echo "$dir: rabbitmq stopped"; fi
    elif [[ -f $dir/cluster ]]; then
      cmd_status "$dir"/node-* 2>/dev/null || true
    else
      echo "$dir: no server"
    fi
  done
  ((missing == 0)) || say "$INSTALL_HINT"
  return "$missing"
}

# Stops every server in DIR or up to three levels below it at once (their data is about to go), then deletes DIR.
# Safe to run twice at once on the same DIR: a test process's own clean-up can overlap with the next run's reap.
cmd_remove() {
  [[ $# -eq 1 ]] || die "usage: remove DIR"
  local dir pid
  [[ -d $1 ]] || return 0
  for dir in "$1" "$1"/* "$1"/*/* "$1"/*/*/*; do
    if pg_running "$dir"; then
      as_user postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    elif [[ -f $dir/rabbitmq.conf ]] && pid_alive "$dir/pid"; then
      pid=$(head -n 1 "$dir/pid" 2>/dev/null) || continue
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  done
  rm -rf "$1" 2>/dev/null || rm -rf "$1"
}

cmd_reap() {
  [[ $# -eq 1 ]] || die "usage: reap ROOT"
  local run pid
  for run in "$1"/*/; do
    pid=$(basename "$run")
    [[ $pid =~ ^[0-9]+$ && ! -d /proc/$pid ]] || continue
    say "removing the servers of process $pid, which is gone: $run"
    cmd_remove "${run%/}"
  done
}

verb=${1:-}
shift || true
case $verb in
  install) cmd_install "$@" ;;
  start-postgres) cmd_start_postgres "$@" ;;
  stop-postgres) cmd_stop_postgres "$@" ;;
  start-rabbitmq) cmd_start_rabbitmq "$@" ;;
  stop-rabbitmq) cmd_stop_rabbitmq "$@" ;;
  start-rabbitmq-cluster) cmd_start_rabbitmq_cluster "$@" ;;
  stop-rabbitmq-cluster) cmd_stop_rabbitmq_cluster "$@" ;;
  start-rabbitmq-node) cmd_start_rabbitmq_node "$@" ;;
  stop-rabbitmq-node) cmd_stop_rabbitmq_node "$@" ;;
  kill-rabbitmq-node) cmd_kill_rabbitmq_node "$@" ;;
  rabbitmq-queue-leader) cmd_rabbitmq_queue_leader "$@" ;;
  rabbitmq-node-name) cluster_ports "$1" && node_number "$1" "$2" && rabbit_node "$1/node-$2" ;;
  create-database) cmd_create_database "$@" ;;
  status) cmd_status "$@" ;;
  remove) cmd_remove "$@" ;;
  reap) cmd_reap "$@" ;;
  *) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2 ;;
esac

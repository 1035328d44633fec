#!/usr/bin/env bash
# PostgreSQL and Redis on this machine, for the production profile's integration tests and the
# scale-out benchmark. Installs the Debian packages if they are missing, starts the servers if
# they are stopped, creates the role and database "hub" (password "hub") if missing, installs
# nginx's program (not its service) for the test of deploy/nginx/hub.conf, and exports
#   HUB_TEST_DATABASE_URL  (default postgres://hub:hub@127.0.0.1:5432/hub)
#   HUB_TEST_REDIS_URL     (default redis://127.0.0.1:6379/15; the tests empty that database)
# Run it (prints the two export lines) or source it and call ensure_services (scripts/test does).
# Either variable may be set beforehand to a server elsewhere: then it is only checked.

if ! declare -F say >/dev/null; then
  say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fi

_services_root() {
  if [ "$(id -u)" -eq 0 ]; then echo ""; elif command -v sudo >/dev/null; then echo "sudo"; else return 1; fi
}

_services_apt() {
  # apt_install from scripts/setup.sh when sourced from there; a minimal one otherwise.
  if declare -F apt_install >/dev/null; then apt_install "$@"; return; fi
  local sudo
  sudo="$(_services_root)" || { say "Please install: $*"; return 1; }
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

_services_wait() {  # _services_wait SECONDS COMMAND...
  local seconds="$1"; shift
  for _ in $(seq 1 $((seconds * 4))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  return 1
}

ensure_postgres() {
  local default_url="postgres://hub:hub@127.0.0.1:5432/hub"
  local url="${HUB_TEST_DATABASE_URL:-$default_url}"
  if [ "$url" != "$default_url" ]; then
    command -v pg_isready >/dev/null || _services_apt postgresql-client
    pg_isready -q -d "$url" || { say "PostgreSQL at HUB_TEST_DATABASE_URL does not answer"; return 1; }
    export HUB_TEST_DATABASE_URL="$url"
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "Installing PostgreSQL (Debian package postgresql)"
    _services_apt postgresql || return 1
  fi
  local sudo
  sudo="$(_services_root)" || { say "Starting PostgreSQL needs root or sudo"; return 1; }
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    local version
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    say "Starting PostgreSQL $version"
    $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    _services_wait 30 pg_isready -q -h 127.0.0.1 -p 5432 || {
      say "PostgreSQL did not start; see /var/log/postgresql/postgresql-$version-main.log"; return 1; }
  fi
  # The role and database, through the local socket as the postgres superuser.
  local psql=($sudo runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'hub'")" != "1" ]; then
    say "Creating the PostgreSQL role hub"
    "${psql[@]}" -c "CREATE ROLE hub LOGIN PASSWORD 'hub' CREATEDB" || return 1
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'hub'")" != "1" ]; then
    say "Creating the PostgreSQL database hub"
    "${psql[@]}" -c "CREATE DATABASE hub OWNER hub" || return 1
  fi
  command -v pg_dump >/dev/null || _services_apt postgresql-client
  pg_isready -q -d "$url" || { say "PostgreSQL runs but does not accept $url"; return 1; }
  export HUB_TEST_DATABASE_URL="$url"
}

ensure_redis() {
  local default_url="redis://127.0.0.1:6379/15"
  local url="${HUB_TEST_REDIS_URL:-$default_url}"
  command -v redis-cli >/dev/null || { say "Installing Redis (Debian package redis-server)"; _services_apt redis-server || return 1; }
  if [ "$url" = "$default_url" ] && [ "$(redis-cli -u "$url" ping 2>/dev/null)" != "PONG" ]; then
    say "Starting Redis on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >/dev/null
    _services_wait 15 bash -c "[ \"\$(redis-cli -u '$url' ping)\" = PONG ]"
  fi
  [ "$(redis-cli -u "$url" ping 2>/dev/null)" = "PONG" ] || { say "Redis at $url does not answer"; return 1; }
  export HUB_TEST_REDIS_URL="$url"
}

ensure_nginx() {
  # Only the program: the tests run their own nginx on 127.0.0.1 with deploy/nginx/hub.conf. The
  # package's own service must not start (it would listen on port 80 of every interface).
  command -v nginx >/dev/null && return 0
  local sudo status=0 blocker=/usr/sbin/policy-rc.d added=""
  sudo="$(_services_root)" || { say "Please install nginx"; return 1; }
  if [ ! -e "$blocker" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$blocker" >/dev/null && $sudo chmod +x "$blocker" && added=1
  fi
  say "Installing nginx (Debian package nginx; its service stays stopped)"
  _services_apt nginx || status=$?
  [ -n "$added" ] && $sudo rm -f "$blocker"
  return "$status"
}

ensure_services() {
  ensure_postgres || { say "PostgreSQL is not available: the integration tests cannot run."; return 1; }
  ensure_redis || { say "Redis is not available: the integration tests cannot run."; return 1; }
  ensure_nginx || { say "nginx is not available: the deployment sample cannot be tested."; return 1; }
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure_services
  echo "export HUB_TEST_DATABASE_URL='$HUB_TEST_DATABASE_URL'"
  echo "export HUB_TEST_REDIS_URL='$HUB_TEST_REDIS_URL'"
fi

#!/usr/bin/env bash
# The two commands on a fresh Debian 13 (trixie) machine: builds a minimal root with debootstrap
# (the base system, git and curl), clones the commit under test into it and, inside it (chroot),
#   1. runs the README's `scripts/run` on a free port until the home page, the admin login and a
#      show's feed answer, then stops it;
#   2. runs the pipeline tests and the embedded default's tests on SQLite:
#      HUB_TEST_SQLITE=1 scripts/test tests/media_pipeline
#      HUB_TEST_SQLITE=1 scripts/test -m "worker or embedded"
# Needs root (debootstrap, chroot, mounts) and a Debian-like host with network access to the
# Debian archive. Run by hand: `sudo bash .ci/fresh-debian.sh`; see docs/supported-systems.md.
#
# Settings (environment):
#   HUB_FRESH_MIRROR           Debian archive (default http://deb.debian.org/debian)
#   HUB_FRESH_SECURITY_MIRROR  security archive (default http://deb.debian.org/debian-security)
#   HUB_FRESH_CACHE            folder of the cached root tarball (default /var/cache/hub-fresh-debian)
#   HUB_FRESH_REBUILD=1        build the root anew instead of unpacking the cache (CI=true does too)
#   HUB_FRESH_KEEP=1           keep the root after the run (its path is printed)
#   HUB_FRESH_PYTEST_ARGS      pytest arguments replacing the two test runs above (one run)
#   HUB_FRESH_REPEAT=N         run the selected tests N times (stops at the first failing round)
# The host's package-index and certificate settings apply inside: the standard variables (PIP_*,
# NPM_CONFIG_*, SSL_CERT_FILE, SSL_CERT_DIR, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS,
# GIT_SSL_CAINFO, AWS_CA_BUNDLE, the proxy variables) are passed through, pip's and npm's
# configuration files are copied, and the files and folders all of these name are copied or
# bound (read-only) into the root at the same paths.
set -euo pipefail

SUITE=trixie
INCLUDE=git,curl,ca-certificates
MIRROR="${HUB_FRESH_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${HUB_FRESH_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
CACHE_DIR="${HUB_FRESH_CACHE:-/var/cache/hub-fresh-debian}"
CACHE_MAX_DAYS=7
INSIDE_DIR=/root/hub

log() { printf '\033[1mfresh-debian: %s\033[0m\n' "$*" >&2; }
die() { log "$*"; exit 1; }
elapsed() { echo "$(($(date +%s) - START))s"; }
START=$(date +%s)

# ---------------------------------------------------------------------------------------------
# Inside the root (the clone runs this same file with --inside).
# ---------------------------------------------------------------------------------------------
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}

group_processes() {  # group_processes PGID: "pid command" of each process in the group (no ps here)
  local dir stat fields
  for dir in /proc/[0-9]*; do
    stat="$(cat "$dir/stat" 2>/dev/null)" || continue
    read -r -a fields <<<"${stat##*) }"  # state ppid pgrp ...
    [ "${fields[2]}" = "$1" ] && echo "${dir#/proc/} $(tr '\0' ' ' <"$dir/cmdline")"
  done
  return 0
}

fetch() {  # fetch URL WHAT: the page must answer 200 (redirects followed)
  local code
  code="$(curl -sS -L -o /tmp/fresh-page -w '%{http_code}' --max-time 60 "$1")" || code="none"
  [ "$code" = "200" ] || { log "$2 at $1 answered $code"; return 1; }
  log "$2 answers: $1"
}

check_run() {
  local port log=/tmp/fresh-run.log pid status=0
  port="$(free_port)" || die "no free port found"
  log "scripts/run $port (installs what is missing, then starts the hub)"
  # A background job of a script ignores SIGINT, and so would everything it starts: SIGINT is
  # set back to its default for scripts/run, as in a terminal.
  env --default-signal=INT setsid scripts/run "$port" >"$log" 2>&1 </dev/null &
  pid=$!
  local base="http://127.0.0.1:$port" up="" shown=0 steps
  # The first start installs the system packages, the virtualenv and the npm packages. Each of
  # scripts/run's steps ("==> ...") is shown with the time it started.
  for _ in $(seq 1 1800); do
    steps="$(grep -a '==> ' "$log" | sed 's/\x1b\[[0-9;]*m//g')"
    if [ -n "$steps" ] && [ "$(wc -l <<<"$steps")" -gt "$shown" ]; then
      tail -n +"$((shown + 1))" <<<"$steps" | while IFS= read -r step; do log "[$(elapsed)] scripts/run: ${step#*==> }"; done
      shown="$(wc -l <<<"$steps")"
    fi
    if curl -s -o /dev/null --max-time 5 "$base/healthz"; then up=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if [ -z "$up" ]; then
    log "the hub did not answer on $base; the end of scripts/run's output:"
    tail -n 80 "$log" >&2
    kill -TERM -- "-$pid" 2>/dev/null || true
    return 1
  fi
  local feed
  feed="$(grep -o 'Feed \[en\]: *http[^ ]*' "$log" | head -1 | grep -o 'http[^ ]*')"
  fetch "$base/" "the home page" || status=1
  fetch "$base/admin/login/" "the admin login" || status=1
  if [ -n "$feed" ]; then
    fetch "$feed" "the English show feed" || status=1
    grep -q '<rss' /tmp/fresh-page || { log "$feed is not an RSS feed"; status=1; }
  else
    log "scripts/run printed no show feed"; status=1
  fi
  # Ctrl+C in a terminal: SIGINT to the whole process group. scripts/run must then stop its task
  # worker (started in the background, where SIGINT is ignored) itself.
  log "stopping scripts/run (SIGINT, as Ctrl+C)"
  kill -INT -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 -- "-$pid" 2>/dev/null; then
    log "scripts/run left processes running 30 s after Ctrl+C:"; group_processes "$pid" >&2
    status=1
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  [ "$status" -eq 0 ] || { log "scripts/run's output:"; cat "$log" >&2; }
  return "$status"
}

run_tests() {  # run_tests LABEL PYTEST-ARGS...: HUB_FRESH_REPEAT rounds, stop at the first failure
  local label="$1" round rounds="${HUB_FRESH_REPEAT:-1}"; shift
  for round in $(seq 1 "$rounds"); do
    log "[$(elapsed)] tests: $label (round $round of $rounds)"
    HUB_TEST_SQLITE=1 scripts/test "$@" || { log "tests failed: $label (round $round)"; return 1; }
  done
}

inside() {
  cd "$INSIDE_DIR"
  log "inside Debian $(cat /etc/debian_version), commit $(git rev-parse --short HEAD)"
  local status=0
  check_run || status=1
  log "scripts/run checked ($(elapsed), python: $(.venv/bin/python --version 2>&1), $(ffmpeg -version | head -1 | cut -d' ' -f1-3))"
  if [ -n "${HUB_FRESH_PYTEST_ARGS:-}" ]; then
    local args
    read -r -a args <<<"$HUB_FRESH_PYTEST_ARGS"
    run_tests "${HUB_FRESH_PYTEST_ARGS}" "${args[@]}" || status=1
  else
    run_tests "pipeline" tests/media_pipeline --durations=5 || status=1
    run_tests "embedded default" -m "worker or embedded" --durations=5 || status=1
  fi
  log "inside done in $(elapsed): $([ "$status" -eq 0 ] && echo passed || echo FAILED)"
  return "$status"
}

if [ "${1:-}" = "--inside" ]; then
  inside
  exit $?
fi

# ---------------------------------------------------------------------------------------------
# On the host.
# ---------------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mounts): sudo bash $0"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMMIT="$(git -C "$REPO" rev-parse HEAD)"
if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]; then
  log "note: uncommitted changes are not tested, only commit ${COMMIT:0:12}"
fi

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
CACHE="$CACHE_DIR/debian-$SUITE-$ARCH-minbase.tar.gz"

WORK="$(mktemp -d /var/tmp/hub-fresh-debian.XXXXXX)"
ROOT="$WORK/root"
mkdir "$ROOT"

mounts_under_root() {  # the mount points inside the root, deepest first
  awk -v root="$ROOT" '{ gsub(/\\040/, " ", $5); if ($5 == root || index($5, root "/") == 1) print $5 }' \
    /proc/self/mountinfo | sort -r
}

cleanup() {
  local status=$?
  set +e
  # Processes still running in the root (a server left behind by a failed step) end first.
  local pids=() p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && pids+=("${p#/proc/}")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null; sleep 2; kill -KILL "${pids[@]}" 2>/dev/null
  fi
  local mount
  for _ in 1 2 3; do
    while read -r mount; do
      [ -n "$mount" ] && { umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null; }
    done < <(mounts_under_root)
    [ -z "$(mounts_under_root)" ] && break
    sleep 1
  done
  if [ -n "$(mounts_under_root)" ]; then
    log "still mounted under $ROOT (left in place):"; mounts_under_root >&2
  elif [ -n "${HUB_FRESH_KEEP:-}" ]; then
    log "the root is kept in $ROOT"
  else
    rm -rf --one-file-system "$WORK"
  fi
  [ "$status" -eq 0 ] || log "FAILED (exit $status) after $(elapsed)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The proxy the host's apt uses (if any) also serves debootstrap and the root's apt.
APT_PROXY="$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p' | head -1)"

build_root() {
  log "building a minimal Debian $SUITE root with debootstrap from $MIRROR"
  local proxy_env=()
  [ -n "$APT_PROXY" ] && [ -z "${http_proxy:-}" ] && proxy_env=(env "http_proxy=$APT_PROXY")
  if ! "${proxy_env[@]}" debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$ROOT" "$MIRROR" \
    >"$WORK/debootstrap.log" 2>&1; then
    tail -n 40 "$WORK/debootstrap.log" >&2
    die "debootstrap failed (log above)"
  fi
  log "debootstrap done ($(elapsed))"
  cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
  # dpkg without fsync, as in Debian's container images: the root is thrown away after the run.
  echo force-unsafe-io >"$ROOT/etc/dpkg/dpkg.cfg.d/unsafe-io"
  [ -n "$APT_PROXY" ] && printf 'Acquire::http::Proxy "%s";\n' "$APT_PROXY" >"$ROOT/etc/apt/apt.conf.d/01proxy"
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
  chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin http_proxy="${http_proxy:-}" apt-get update -qq \
    || die "apt-get update failed inside the root"
  chroot "$ROOT" apt-get clean
}

if [ "${CI:-}" != "true" ] && [ -z "${HUB_FRESH_REBUILD:-}" ] && [ -f "$CACHE" ] \
  && [ -n "$(find "$CACHE" -mtime -"$CACHE_MAX_DAYS")" ]; then
  log "unpacking the cached root $CACHE (HUB_FRESH_REBUILD=1 builds it anew)"
  tar -xzf "$CACHE" -C "$ROOT"
else
  build_root
  if [ "${CI:-}" != "true" ]; then
    mkdir -p "$CACHE_DIR"
    tar -czf "$CACHE.tmp" -C "$ROOT" . && mv "$CACHE.tmp" "$CACHE"
    log "cached the root in $CACHE"
  fi
fi
log "root ready ($(elapsed))"

# --- the host's package-index and certificate settings ---------------------------------------
PASS_ENV=()
SETTING_FILES=()
for name in $(compgen -e); do
  case "$name" in
    PIP_* | NPM_CONFIG_* | npm_config_* | SSL_CERT_FILE | SSL_CERT_DIR | REQUESTS_CA_BUNDLE | CURL_CA_BUNDLE \
      | NODE_EXTRA_CA_CERTS | GIT_SSL_CAINFO | AWS_CA_BUNDLE | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | ALL_PROXY \
      | http_proxy | https_proxy | no_proxy | all_proxy)
      PASS_ENV+=("$name=${!name}")
      [ "$name" = PIP_CONFIG_FILE ] && SETTING_FILES+=("${!name}")
      ;;
  esac
done
for file in /etc/pip.conf /etc/xdg/pip/pip.conf "$HOME/.pip/pip.conf" "$HOME/.config/pip/pip.conf" \
  /etc/npmrc /usr/etc/npmrc "$HOME/.npmrc"; do
  [ -f "$file" ] && SETTING_FILES+=("$file")
done

bring_in() {  # bring_in PATH: a file is copied, a folder bound read-only, at the same path
  local path="$1" target="$ROOT$1"
  [ -e "$path" ] || return 0
  if [ -d "$path" ]; then
    if [ -d "$target" ]; then
      # A folder the root has too (/etc/ssl/certs): add the files it lacks (not its subfolders);
      # the root's own files stay.
      mountpoint -q "$target" && return 0
      find "$path" -mindepth 1 -maxdepth 1 \( -type f -o -type l \) -print0 |
        while IFS= read -r -d '' entry; do
          [ -e "$target/${entry##*/}" ] || [ ! -f "$entry" ] || cp -L "$entry" "$target/"
        done
    else
      # The outermost folder the root lacks is bound, so that an index's relative links to its
      # files (file:///srv/index/simple -> ../files) still resolve.
      local top="$path"
      while [ "$(dirname "$top")" != / ] && [ ! -e "$ROOT$(dirname "$top")" ]; do top="$(dirname "$top")"; done
      mkdir -p "$ROOT$top"
      mount --bind "$top" "$ROOT$top"
      mount -o remount,bind,ro "$ROOT$top"
      path="$top"
    fi
  else
    mkdir -p "$(dirname "$target")"
    cp -L "$path" "$target"
    if grep -q 'BEGIN CERTIFICATE' "$path" 2>/dev/null; then
      # Also a local authority of the root, so that a later update-ca-certificates keeps it.
      mkdir -p "$ROOT/usr/local/share/ca-certificates"
      cp -L "$path" "$ROOT/usr/local/share/ca-certificates/host-$(echo "$path" | md5sum | cut -c1-8).crt"
    fi
  fi
  log "brought in $path"
}

paths_named() {  # absolute paths and file:// URLs in the values read from standard input
  grep -oE '(file://)?/[^ ="'"'"',;:]+' | sed 's|^file://||' | grep -v '^//' | sort -u
}

# Only the settings of certificates and package indexes name paths to bring in (not, say, npm's
# nodedir=/usr).
PATH_SETTING='(cert|ca|cafile|ca_bundle|ca_certs|cert_file|cert_dir|cainfo|find[-_]links|index[-_]url|constraint)'

mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys" && mount --make-rslave "$ROOT/sys"
mount --rbind /dev "$ROOT/dev" && mount --make-rslave "$ROOT/dev"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"

for file in "${SETTING_FILES[@]}"; do bring_in "$file"; done
while read -r path; do
  [ -n "$path" ] && bring_in "$path"
done < <({
  for entry in "${PASS_ENV[@]}"; do
    grep -qiE "^[a-z_]*${PATH_SETTING}=" <<<"$entry" && printf '%s\n' "${entry#*=}"
  done
  for file in "${SETTING_FILES[@]}"; do
    grep -iE "^\s*([a-z-]*-)?${PATH_SETTING}\s*=" "$file" | sed 's/^[^=]*=//'
  done
} | paths_named)

# --- the commit under test --------------------------------------------------------------------
log "cloning $COMMIT"
git clone -q --no-hardlinks "$REPO" "$ROOT$INSIDE_DIR"
git -C "$ROOT$INSIDE_DIR" checkout -q --detach "$COMMIT"

log "running inside the root"
chroot "$ROOT" env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
  CI="${CI:-}" HUB_FRESH_PYTEST_ARGS="${HUB_FRESH_PYTEST_ARGS:-}" HUB_FRESH_REPEAT="${HUB_FRESH_REPEAT:-1}" \
  "${PASS_ENV[@]}" \
  bash "$INSIDE_DIR/.ci/fresh-debian.sh" --inside &
# In the background, so that a signal reaches this script (and its clean-up) at once.
wait $!
log "passed in $(elapsed)"

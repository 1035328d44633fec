#!/usr/bin/env bash
# Shared set-up for scripts/run and scripts/test: installs only what is missing, so a second
# run is quick. Source it; it defines VENV and PY and leaves the virtualenv ready.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HUB_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  # Install Debian packages that are missing (needs root or sudo; skipped with a hint otherwise).
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      say "Please install: ${missing[*]} (apt-get install ${missing[*]})"; return 1
    fi
  fi
  say "Installing system packages: ${missing[*]}"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    $sudo apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  # The hub is checked on Python 3.11 to 3.13 (docs/supported-systems.md); the newest of these
  # first, then "python3" if it is 3.11 or newer.
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

ensure_system() {
  if command -v apt-get >/dev/null; then
    apt_install ffmpeg gettext espeak-ng "$@"
  else
    for tool in ffmpeg ffprobe msgfmt; do
      command -v "$tool" >/dev/null || { say "Missing $tool: install it with your package manager."; exit 1; }
    done
  fi
}

ensure_venv() {
  local python
  if ! python="$(find_python)"; then
    apt_install python3 python3-venv
    python="$(find_python)" || { say "Python 3.11 or newer is required."; exit 1; }
  fi
  if [ -e "$VENV" ] && ! "$PY" -c '' 2>/dev/null; then
    # A virtualenv whose Python is gone (the system's Python was upgraded, e.g. Debian 12 to 13).
    say "The virtualenv in $VENV no longer runs: creating it anew"
    rm -rf "$VENV"
  fi
  if [ ! -x "$PY" ]; then
    say "Creating virtualenv in $VENV with $("$python" --version 2>&1)"
    "$python" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; rm -rf "$VENV"; "$python" -m venv "$VENV"; }
  fi
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 14))'; then
    say "Note: $("$PY" --version 2>&1) is newer than the Python versions the hub is checked on (3.11 to 3.13)"
  fi
  local stamp="$VENV/.requirements.sha256"
  local want
  want="$(sha256sum requirements.lock | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing pinned Python packages (requirements.lock)"
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    "$PY" -m pip install -q --disable-pip-version-check -r requirements.lock
    echo "$want" > "$stamp"
  fi
}

compile_messages() {
  # Recompile only when a catalogue is newer than its compiled file.
  local stale=0
  for po in locale/*/LC_MESSAGES/django.po; do
    [ -e "$po" ] || continue
    [ "${po%.po}.mo" -nt "$po" ] || stale=1
  done
  if [ "$stale" -eq 1 ]; then
    say "Compiling translations"
    "$PY" manage.py compilemessages -v0 --ignore=.venv
  fi
}

ensure_node_packages() {
  # npm packages pinned in package-lock.json: "prod" installs what pages serve (wavesurfer.js),
  # "dev" also the test and benchmark tools (axe-core, lighthouse, feed clients). Then copy the
  # browser files the hub serves into static_src/vendor/ (git-ignored; collectstatic picks them up).
  local mode="${1:-prod}"
  if ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  local want have=""
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  [ -f node_modules/.hub-npm-stamp ] && have="$(cat node_modules/.hub-npm-stamp)"
  if [ "$have" != "$want dev" ] && { [ "$mode" = "dev" ] || [ "$have" != "$want prod" ]; }; then
    say "Installing pinned npm packages (package-lock.json, $mode)"
    if [ "$mode" = "dev" ]; then
      npm ci --no-audit --no-fund --loglevel=error
    else
      npm ci --omit=dev --no-audit --no-fund --loglevel=error
    fi
    echo "$want $mode" > node_modules/.hub-npm-stamp
  fi
  mkdir -p static_src/vendor/wavesurfer
  cp node_modules/wavesurfer.js/dist/wavesurfer.min.js static_src/vendor/wavesurfer/wavesurfer.min.js
  cp node_modules/wavesurfer.js/LICENSE static_src/vendor/wavesurfer/LICENSE.txt
}

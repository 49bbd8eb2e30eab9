# Shared by scripts/test, scripts/run and .ci/run: find the repo, install
# missing Debian packages, configure and build a preset.
# shellcheck shell=bash

ACTORSPEC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Everything the build, the tests and the report need, by Debian name.
ACTORSPEC_PACKAGES=(
  cmake ninja-build g++ python3
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libtbb-dev libboost-fiber1.81-dev libboost-context1.81-dev nlohmann-json3-dev
  libjs-chart.js chromium libxml2-utils
  erlang-base erlang-dev erlang-eunit
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

missing_packages() {
  local p
  for p in "${ACTORSPEC_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$p"
  done
}

ensure_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  [ ${#missing[@]} -eq 0 ] && return 0
  local cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
  log "installing missing packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  else
    echo "missing packages; run as root:" >&2
    echo "  apt-get update && ${cmd[*]}" >&2
    return 1
  fi
}

# configure_and_build PRESET [cmake --build args...]
configure_and_build() {
  local preset=$1
  shift
  log "configure ($preset)"
  cmake --preset "$preset" -S "$ACTORSPEC_ROOT" >/dev/null
  log "build ($preset)"
  cmake --build --preset "$preset" -j "$(nproc)" "$@"
}

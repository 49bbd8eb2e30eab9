# Shared by scripts/test, scripts/run and .ci/run: find the repo, install
# missing Debian packages, configure and build a preset.
# shellcheck shell=bash

ACTORSPEC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Everything the build, the tests and the report need, by Debian name.
ACTORSPEC_PACKAGES=(
  cmake ninja-build g++ python3
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libtbb-dev libboost-fiber1.81-dev libboost-context1.81-dev nlohmann-json3-dev
  libcaf-dev libjs-chart.js python3-jinja2 python3-markdown-it chromium libxml2-utils
  erlang-base erlang-dev erlang-eunit
  time
)

# Debian's interpreter: apt installs python3-jinja2 and python3-markdown-it
# (the report's) for it only, so a pyenv or venv python3 first on PATH won't do.
ACTORSPEC_PYTHON=/usr/bin/python3

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

# require_report_python: the report's modules import under ACTORSPEC_PYTHON,
# or one clear line names the missing Debian package (no traceback).
require_report_python() {
  (cd "$ACTORSPEC_ROOT/reports" && PYTHONDONTWRITEBYTECODE=1 "$ACTORSPEC_PYTHON" -m actorspec_report.deps)
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

# wants_caf ARGS...: true unless --no-caf, or --backends without caf.
wants_caf() {
  local a prev=""
  for a in "$@"; do
    case "$a" in
      --no-caf) return 1 ;;
      --backends=*) [[ ",${a#--backends=}," == *,caf,* ]] || return 1 ;;
    esac
    if [ "$prev" = "--backends" ]; then [[ ",$a," == *,caf,* ]] || return 1; fi
    prev=$a
  done
  [ -e /usr/include/caf/all.hpp ]
}

# build_caf_adapter PRESET: adapters/caf built as an outside user builds a
# runtime of theirs, against this build installed into build/PRESET/caf/prefix.
# Sets CAF_BUILD to its build tree (caf_conformance, caf_perf).
build_caf_adapter() {
  local build="$ACTORSPEC_ROOT/build/$1" type
  local prefix="$build/caf/prefix"
  CAF_BUILD="$build/caf/build"
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
  log "CAF adapter (adapters/caf) against this build installed in $prefix"
  cmake --install "$build" --prefix "$prefix" >/dev/null
  cmake -S "$ACTORSPEC_ROOT/adapters/caf" -B "$CAF_BUILD" -G Ninja -DCMAKE_BUILD_TYPE="${type:-Release}" \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$CAF_BUILD" -j "$(nproc)"
}

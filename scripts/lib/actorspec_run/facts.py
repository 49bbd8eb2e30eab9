"""Facts about this machine and build for meta.json and the perf context."""

from __future__ import annotations

import os
import platform
import subprocess

VERSIONED_PACKAGES = {
    "oneTBB": "libtbb-dev",
    "Boost": "libboost-fiber1.81-dev",
    "GoogleTest": "googletest",
    "GoogleBenchmark": "libbenchmark-dev",
}


def dpkg_version(pkg: str) -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
        return out.strip() or "unknown"
    except OSError:
        return "unknown"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit(root: str) -> str:
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _cache_value(build_dir: str, key: str):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def build_type(build_dir: str) -> str:
    return _cache_value(build_dir, "CMAKE_BUILD_TYPE") or "unknown"


def compiler(build_dir: str) -> str:
    path = _cache_value(build_dir, "CMAKE_CXX_COMPILER") or "c++"
    try:
        return subprocess.run([path, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "unknown"

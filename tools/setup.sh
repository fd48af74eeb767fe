#!/usr/bin/env bash
# Installs the Debian packages interleave builds with, if any are missing.
# Idempotent: does nothing (not even `apt-get update`) when everything is present.
# Works as root or through sudo.
set -euo pipefail

packages=(
  bazel-bootstrap      # Bazel 4.2.3, the build
  bazel-rules-java     # rules_java that Bazel's JDK toolchains want (local repository)
  g++                  # C++20 compiler (g++ 12)
  libboost-context-dev # fibers
  catch2               # tests (Catch2 v2, single header)
  relacy-dev           # second checker
  libcli11-dev         # argument parsing
  libfmt-dev           # formatting
  libbenchmark-dev     # bench/ targets
  libgtest-dev         # GoogleTest matchers (<interleave/gtest.h>) and their test
  libgmock-dev         # GoogleMock, for the same matchers
  cmake                # the second build, for CMake consumers
  pkg-config           # the installed interleave.pc, checked by CI
  clang                # libFuzzer (tools/fuzz.sh)
  libclang-rt-14-dev   # clang's fuzzer and sanitizer runtimes
  nlohmann-json3-dev   # --json reports (header only)
  chromium             # headless browser for the --html report test
  ccache               # CI: the CMake consumer builds (.ci/run) reuse each other's objects
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 2
  fi
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

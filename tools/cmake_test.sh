#!/usr/bin/env bash
# The CMake side of the README's test command (tools/test.sh runs it after the Bazel tests):
#   1. configure + build framekit with CMake (-j2), run every test with CTest;
#   2. install to a temporary prefix;
#   3. build examples/cmake_consumer against that prefix (find_package(framekit 0.1 CONFIG)) and
#      run it; build examples/cmake_consumer/pkg_config_consumer.cc with plain
#      g++ $(pkg-config --cflags --libs framekit) and run it; the same for
#      pkg_config_transforms_consumer.cc with framekit-transforms (and framekit.pc must not require
#      the compression libraries).
# Ends with one line "N passed, N failed": CTest's test cases plus the three consumers (a step that
# fails before its tests run counts as one failure).
#
#   FRAMEKIT_CMAKE_BUILD_DIR  build directory (default: /tmp/framekit-cmake-<hash of this checkout>,
#                             kept, so a second run is incremental)
#   FRAMEKIT_CMAKE_ARGS       extra configure arguments (e.g. -DFRAMEKIT_BUILD_BENCHMARKS=OFF)
#   FRAMEKIT_CMAKE_JOBS       build and test parallelism (default 2)
set -uo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
jobs=${FRAMEKIT_CMAKE_JOBS:-2}
build=${FRAMEKIT_CMAKE_BUILD_DIR:-/tmp/framekit-cmake-$(printf '%s' "$src" | md5sum | cut -c1-8)}
scratch=$(mktemp -d /tmp/framekit-install.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
prefix="$scratch/prefix"
passed=0
failed=0
status=0

step() { echo "=== cmake: $* ==="; }
finish() {
  echo "${passed} passed, ${failed} failed"
  exit $status
}
broken() {  # A step failed before it could run its tests: count it as one failure.
  echo "FAILED: $*"
  failed=$((failed + 1))
  status=1
}

step "configure ($build)"
# shellcheck disable=SC2086
if ! cmake -S "$src" -B "$build" ${FRAMEKIT_CMAKE_ARGS:-}; then
  broken "cmake configure"
  finish
fi

step "build (-j$jobs)"
if ! nice -n 10 cmake --build "$build" -j"$jobs"; then
  broken "cmake build"
  finish
fi

step "ctest (-j$jobs)"
log="$scratch/ctest.log"
nice -n 10 ctest --test-dir "$build" -j"$jobs" --output-on-failure 2>&1 | tee "$log"
# "100% tests passed, 0 tests failed out of 1000"
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
if [ -z "$summary" ]; then
  broken "ctest printed no summary"
else
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
  bad=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$summary")
  passed=$((passed + total - bad))
  failed=$((failed + bad))
  [ "$bad" -eq 0 ] || status=1
  echo "ctest: $((total - bad)) of $total test cases passed"
fi

step "install to $prefix"
if ! cmake --install "$build" --prefix "$prefix" >"$scratch/install.log" 2>&1; then
  cat "$scratch/install.log"
  broken "cmake --install"
  finish
fi
for f in include/framekit/version.h include/framekit/framing/framer_spec.h \
         include/framekit/server/server.h lib/cmake/framekit/framekitConfig.cmake \
         lib/cmake/framekit/framekitConfigVersion.cmake lib/pkgconfig/framekit.pc; do
  [ -f "$prefix/$f" ] || { broken "install lacks $f"; }
done
# Of server/internal, only connection_state.h is installed: connection.h includes it for its fields.
for f in "$prefix"/include/framekit/server/internal/*; do
  [ -e "$f" ] || continue
  [ "$(basename "$f")" = connection_state.h ] || broken "server/internal header installed: $f"
done
[ -f "$prefix/include/framekit/server/internal/connection_state.h" ] ||
  broken "install lacks include/framekit/server/internal/connection_state.h"

step "examples/cmake_consumer: find_package(framekit 0.1 CONFIG REQUIRED)"
consumer="$scratch/cmake_consumer"
if cmake -S examples/cmake_consumer -B "$consumer" -DCMAKE_PREFIX_PATH="$prefix" &&
   nice -n 10 cmake --build "$consumer" -j"$jobs" &&
   "$consumer/echo_round_trip"; then
  echo "PASSED: cmake consumer (echo_round_trip)"
  passed=$((passed + 1))
else
  broken "cmake consumer (echo_round_trip)"
fi

step "examples/cmake_consumer/pkg_config_consumer.cc: g++ \$(pkg-config --cflags --libs framekit)"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
want=$(sed -nE 's/^#define FRAMEKIT_VERSION_STRING "(.*)"$/\1/p' framekit/version.h)
got=$(pkg-config --modversion framekit 2>&1)
if [ "$got" != "$want" ]; then
  broken "pkg-config --modversion framekit says '$got', framekit/version.h says '$want'"
# shellcheck disable=SC2046
elif nice -n 10 g++ -std=c++17 examples/cmake_consumer/pkg_config_consumer.cc -o "$scratch/pkg_config_consumer" \
       $(pkg-config --cflags --libs framekit) &&
     "$scratch/pkg_config_consumer"; then
  echo "PASSED: pkg-config consumer (pkg_config_consumer)"
  passed=$((passed + 1))
else
  broken "pkg-config consumer (pkg_config_consumer)"
fi

step "pkg_config_transforms_consumer.cc: g++ \$(pkg-config --cflags --libs framekit-transforms)"
# framekit.pc must not pull in the compression libraries; framekit-transforms.pc brings them.
reqs=$(pkg-config --print-requires framekit 2>&1)
if printf '%s\n' "$reqs" | grep -qE '^(libzstd|liblz4|snappy|zlib)\b'; then
  broken "framekit.pc requires a compression library: $(printf '%s' "$reqs" | tr '\n' ' ')"
# shellcheck disable=SC2046
elif nice -n 10 g++ -std=c++17 examples/cmake_consumer/pkg_config_transforms_consumer.cc \
       -o "$scratch/pkg_config_transforms_consumer" $(pkg-config --cflags --libs framekit-transforms) &&
     "$scratch/pkg_config_transforms_consumer"; then
  echo "PASSED: pkg-config consumer (pkg_config_transforms_consumer)"
  passed=$((passed + 1))
else
  broken "pkg-config consumer (pkg_config_transforms_consumer)"
fi
finish

#!/usr/bin/env bash
# Installs every Debian package framekit's build, tests and benchmarks need. Idempotent: does
# nothing (and needs no network) when all are present. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  g++ pkg-config                      # compiler; locates the system libraries for Bazel
  cmake                               # the CMake build (tools/cmake_test.sh), CMake >= 3.16
  python3                             # the build checks in tests/build
  bazel-bootstrap                     # Bazel 4.2.3
  bazel-platforms bazel-rules-java    # offline stand-ins for repositories Bazel 4 would download
  libabsl-dev                         # @com_google_absl
  libgtest-dev libgmock-dev           # @com_google_googletest
  libbenchmark-dev                    # @com_github_google_benchmark
  libboost-dev                        # Boost.Asio: //asio's adapter, and the peer the benchmarks measure
  libssl-dev                          # OpenSSL for asio::ssl (the Asio adapter's TLS tests)
  liburing-dev                        # the server's io_uring backend
  libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev  # //transforms: zstd, lz4, snappy, deflate
  clang libclang-rt-14-dev            # libFuzzer builds (tools/fuzz.sh)
  python3-dev pybind11-dev python3-pybind11  # the Python module (//python), for Debian's python3
  python3-pytest python3-venv python3-pip python3-setuptools  # its tests; the pip install check
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "framekit setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

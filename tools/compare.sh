#!/usr/bin/env bash
# framekit/tools/compare.sh -- the README's main command.
#
# Contract: answers the Socket HOWTO's "binary or ASCII?" (and "with compression?") with
# measurements. Installs what the build needs (tools/setup.sh, a no-op when everything is present),
# builds //benchmarks/encoding:encoding_comparison optimized and runs it, writing into one folder:
#   encoding_comparison.json          Google Benchmark JSON (--benchmark_out)
#   encoding_comparison_summary.md    the answer and the summary tables (also printed at the end)
#   encoding_comparison_chart.svg     bytes/value, decode cost and throughput per encoding, Asio
#   encoding_comparison.log           the full raw benchmark log
#   encoding_comparison_build.log     Bazel's output for the build
# While it runs: on a terminal one progress line (section, cells done of total, time left);
# otherwise (CI, a pipe) one line per section; with --verbose Bazel's and Google Benchmark's raw
# output instead. Exits with the build's status if the build fails, else the benchmark's (0 when it
# ran and wrote its outputs; missed targets are reported in the summary, not as a failure).
#
# Usage: tools/compare.sh [OUT_DIR] [--quick|--full] [--verbose] [--transforms=LIST] [flags...]
#   OUT_DIR        default: out/ at the repository root (relative paths: from the current directory)
#   --quick        seconds (smoke run)     --full   larger datasets, every transform (minutes)
#   --transforms=zstd,lz4,snappy,deflate|all|none   the compressed rows (default: zstd)
#   any --benchmark_* flag, e.g. --benchmark_filter='socket/.*' (the summary shows '-' for what
#   did not run); a leading "--" is accepted and ignored
# Environment: FRAMEKIT_BAZEL_FLAGS, extra flags for `bazel build` (e.g. --disk_cache=DIR).
# Examples:
#   tools/compare.sh                       # default run, under 3 minutes on 2 cores
#   tools/compare.sh /tmp/cmp --full
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/out"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  out="$1"
  shift
fi
[ "${1:-}" = "--" ] && shift
verbose=0
for arg in "$@"; do
  [ "$arg" = "--verbose" ] && verbose=1
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

bash "$root/tools/setup.sh"
cd "$root"
target=//benchmarks/encoding:encoding_comparison
build_log="$out/encoding_comparison_build.log"
# shellcheck disable=SC2086  # FRAMEKIT_BAZEL_FLAGS is a list of flags.
build=(bazel build -c opt ${FRAMEKIT_BAZEL_FLAGS:-} "$target")
if [ "$verbose" = 1 ]; then
  "${build[@]}" 2>&1 | tee "$build_log"
  status=${PIPESTATUS[0]}
else
  echo "building $target (Bazel, -c opt; log: $build_log)"
  status=0
  "${build[@]}" >"$build_log" 2>&1 || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "compare.sh: the build failed (exit $status); the end of $build_log:" >&2
  grep -v 'linux-sandbox' "$build_log" | tail -30 >&2
  exit "$status"
fi
bin="$(bazel info -c opt ${FRAMEKIT_BAZEL_FLAGS:-} bazel-bin 2>/dev/null)/benchmarks/encoding/encoding_comparison"
exec "$bin" --out_dir="$out" "$@"

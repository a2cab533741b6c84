#!/usr/bin/env bash
# framekit/tools/compare.sh -- the README's main command.
#
# Contract: answers the Socket HOWTO's "binary or ASCII?" with measurements. Installs what the
# build needs (tools/setup.sh, a no-op when everything is present), then runs the encoding
# trade-off benchmark //benchmarks/encoding:encoding_comparison optimized, writing into one folder:
#   encoding_comparison.json          Google Benchmark JSON (--benchmark_out)
#   encoding_comparison_summary.md    the summary tables (also printed at the end)
#   encoding_comparison_chart.svg     bytes/value and throughput per encoding, framekit vs Asio
# Exits with the benchmark's status (0 when it ran and wrote its outputs; missed targets are
# reported in the summary, not as a failure).
#
# Usage: tools/compare.sh [OUT_DIR] [-- benchmark flags...]
#   OUT_DIR   default: out/ at the repository root (relative paths: from the current directory)
#   --quick   seconds (smoke run)        --full   larger datasets and longer runs (minutes)
#   any --benchmark_* flag, e.g. --benchmark_filter='socket/.*' (the summary shows '-' for what
#   did not run)
# Examples:
#   tools/compare.sh                       # default run, about 1-2 minutes on 2 cores
#   tools/compare.sh /tmp/cmp --full
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/out"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  out="$1"
  shift
fi
[ "${1:-}" = "--" ] && shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"

bash "$root/tools/setup.sh"
cd "$root"
exec bazel run -c opt //benchmarks/encoding:encoding_comparison -- --out_dir="$out" "$@"

#!/usr/bin/env bash
# framekit/tests/benchmarks/framing_benchmark_smoke_test.sh
#
# Contract: runs //benchmarks:framing_benchmark once over every benchmark with a tiny time budget
# and checks that it exits 0, that no benchmark reported an error (each one checks what it decoded:
# "frames lost", a decoder error or a failed encode end it with SkipWithError, which Google
# Benchmark prints as ERROR OCCURRED), and that the summary the README quotes is printed with a
# row per framer and size, the one- against two-size table and the delimiter's bound. It checks
# that the benchmark works end to end, not the numbers.
set -euo pipefail

bin="$1"
log="${TEST_TMPDIR:-/tmp}/framing_benchmark.log"

if ! "$bin" --benchmark_min_time=0.001 --benchmark_repetitions=1 >"$log" 2>&1; then
  echo "FAIL: framing_benchmark exited non-zero; last lines:" >&2
  tail -40 "$log" >&2
  exit 1
fi

fail() { echo "FAIL: $*" >&2; tail -40 "$log" >&2; exit 1; }

if grep -q "ERROR OCCURRED" "$log"; then
  grep "ERROR OCCURRED" "$log" | head -10 >&2
  fail "a benchmark reported an error"
fi
grep -q "^## Summary" "$log" || fail "no summary printed"
for framer in "length:width=4" "length:width=varint" "delimiter" "ascii:digits=5" "netstring"; do
  for size in 16 256 4096 65536; do
    grep -Eq "^\| ${framer} \| ${size} \|" "$log" || fail "summary lacks ${framer} at ${size} B"
  done
done
for size in 16 256 4096 65536; do
  grep -Eq "^\| fixed:size=${size} \| ${size} \|" "$log" || fail "summary lacks fixed at ${size} B"
done
grep -q "one size against two sizes" "$log" || fail "no one- against two-size table"
grep -q "memcpy / (memcpy + memchr split)" "$log" || fail "no delimiter bound table"
# Every row's streamed ratio is a number (an empty cell would mean that benchmark did not run).
if grep -E "^\| (length|delimiter|ascii|netstring|fixed)[^|]* \| [0-9]+ \|" "$log" |
    awk -F'|' '$10 !~ /[0-9]x/ {bad = 1} END {exit !bad}'; then
  fail "a summary row has no streamed ratio"
fi
echo "PASS"

#!/usr/bin/env bash
# framekit/tests/benchmarks/encoding_comparison_smoke_test.sh
#
# Contract: runs //benchmarks/encoding:encoding_comparison in its tiny --quick mode (datasets of a
# few thousand values, millisecond time budgets) into a scratch folder and checks that it exits 0
# and writes the Google Benchmark JSON, the markdown summary (with the HOWTO row and the Asio
# table) and an SVG chart. It checks that the pipeline works end to end, not the numbers.
set -euo pipefail

bin="$1"
out="${TEST_TMPDIR:-$(mktemp -d)}/encoding_out"
log="${TEST_TMPDIR:-/tmp}/encoding_comparison.log"

if ! "$bin" --quick --out_dir="$out" >"$log" 2>&1; then
  echo "FAIL: encoding_comparison --quick exited non-zero; last lines:" >&2
  tail -40 "$log" >&2
  exit 1
fi

fail() { echo "FAIL: $*" >&2; tail -40 "$log" >&2; exit 1; }

for f in encoding_comparison.json encoding_comparison_summary.md encoding_comparison_chart.svg; do
  [ -s "$out/$f" ] || fail "missing or empty output $out/$f"
done
grep -q '"benchmarks"' "$out/encoding_comparison.json" || fail "JSON has no benchmarks"
grep -q '"name": "encode/ascii+delim/one/zeros"' "$out/encoding_comparison.json" ||
  fail "JSON lacks the encode benchmark of ascii+delim"
grep -q '"name": "socket/varint+lenvar/batch/zipf' "$out/encoding_comparison.json" ||
  fail "JSON lacks a socket run"
summary="$out/encoding_comparison_summary.md"
# The HOWTO's claim: 0 as ASCII + delimiter is 2 bytes, as a 64-bit binary integer 8.
grep -Eq "^\| 0 \| ascii .*\| 2 \| 2 \| PASS \|" "$summary" || fail "HOWTO ascii row missing/failed"
grep -Eq "^\| 0 \| binary 64-bit.*\| 8 \| 8 \| PASS \|" "$summary" || fail "HOWTO binary row missing/failed"
grep -q "framekit vs Boost.Asio" "$summary" || fail "no Asio table"
grep -q "N/A" "$summary" || fail "no N/A cell (bin4 on u64 must be N/A, never truncated)"
# Every Asio comparison produced numbers (a '-' for a side would mean it did not run).
[ "$(grep -c '^| (a) same stream\|^| (b) end to end' "$summary")" -eq 8 ] || fail "Asio rows missing"
if grep -E '^\| \((a|b)\) ' "$summary" | grep -q 'not run'; then fail "an Asio comparison did not run"; fi
grep -q "<svg" "$out/encoding_comparison_chart.svg" || fail "chart is not SVG"
grep -q "</svg>" "$out/encoding_comparison_chart.svg" || fail "chart SVG truncated"
grep -q "<rect" "$out/encoding_comparison_chart.svg" || fail "chart has no bars"
grep -q "targets:" "$log" || fail "no targets line printed"
echo "PASS"

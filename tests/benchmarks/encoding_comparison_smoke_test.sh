#!/usr/bin/env bash
# framekit/tests/benchmarks/encoding_comparison_smoke_test.sh
#
# Contract: runs //benchmarks/encoding:encoding_comparison in its tiny --quick mode (datasets of a
# few thousand values, millisecond time budgets) through a pipe, as CI does, into a scratch folder,
# and checks that it exits 0; that without a terminal it prints one line per section and none of
# Google Benchmark's raw lines; that the summary leads with the answer paragraph (a sentence per
# distribution, a compression sentence) before the tables; that the tables and the JSON have the
# 1/16/1,000-values-per-message cells and the compressed rows; that it writes the JSON, the
# summary, the SVG chart and the raw log and prints where they went. Then a --verbose run of a few
# benchmarks shows the raw lines. It checks that the pipeline works end to end, not the numbers.
set -euo pipefail

bin="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
out="$tmp/encoding_out"
log="$tmp/encoding_comparison.stdout"

if ! "$bin" --quick --out_dir="$out" 2>&1 | cat >"$log"; then
  echo "FAIL: encoding_comparison --quick exited non-zero; last lines:" >&2
  tail -40 "$log" >&2
  exit 1
fi

fail() { echo "FAIL: $*" >&2; tail -40 "$log" >&2; exit 1; }

# --- What a pipe shows: one line per section, then the summary; no raw benchmark lines.
grep -q "^encoding_comparison: quick run, [0-9]* cells planned" "$log" || fail "no header line"
sections="$(grep -E '^\[[0-9]+/[0-9]+\] ' "$log" || true)"
[ "$(printf '%s\n' "$sections" | grep -c .)" -eq 4 ] || fail "expected 4 section lines, got: $sections"
for s in "1/4\] encode: [0-9]+ cells in" "2/4\] decode: [0-9]+ cells in" \
         "3/4\] loopback: [0-9]+ cells in" "4/4\] framekit vs Asio: 8 cells in"; do
  printf '%s\n' "$sections" | grep -Eq "^\[$s" || fail "no section line matching [$s"
done
if grep -q $'\r' "$log"; then fail "a carriage return (terminal redraw) in piped output"; fi
if grep -Eq '^(encode|decode|socket|asio_a|asio_b)/' "$log"; then
  fail "raw benchmark lines printed without --verbose"
fi
for f in summary chart json log; do
  grep -Eq "^$f: +$out/encoding_comparison" "$log" || fail "no '$f:' path line"
done

# --- The summary: the answer first, computed per distribution; then the tables.
summary="$out/encoding_comparison_summary.md"
for f in encoding_comparison.json encoding_comparison_summary.md encoding_comparison_chart.svg \
         encoding_comparison.log; do
  [ -s "$out/$f" ] || fail "missing or empty output $out/$f"
done
answer_line="$(grep -n '^## The answer (this run)' "$summary" | cut -d: -f1)"
howto_line="$(grep -n "^## The HOWTO's claim" "$summary" | cut -d: -f1)"
[ -n "$answer_line" ] && [ -n "$howto_line" ] && [ "$answer_line" -lt "$howto_line" ] ||
  fail "the answer does not come before the tables"
for d in zeros zero_one small u32 u64 zipf negatives; do
  grep -q "\*\*$d\*\* -- 1 value/msg: fewest bytes [a-z0-9+]" "$summary" ||
    fail "the answer has no sentence for $d"
done
grep -q "1,000 values/msg: fewest bytes" "$summary" || fail "the answer lacks 1,000 per message"
grep -q "cheapest decode [a-z0-9+]* (" "$summary" || fail "the answer names no decode winner"
grep -q "most loopback values/s [a-z0-9+]* (" "$summary" || fail "the answer names no loopback winner"
grep -q "^With zstd, ASCII (ascii+zstd+lenvar) puts fewer bytes" "$summary" ||
  fail "no compression sentence"
# The answer is printed too, before the tables.
grep -q "\*\*zipf\*\* -- 1 value/msg" "$log" || fail "the answer is not printed"
for regime in "1 value per message" "16 values per message" "1,000 values per message"; do
  grep -q "^## $regime" "$summary" || fail "no tables for $regime"
done
for row in ascii+zstd+lenvar bin8+zstd+lenvar varint+zstd+lenvar gvarint+zstd+lenvar; do
  grep -q "^| $row | [0-9]" "$summary" || fail "no table row for $row"
done
# The HOWTO's claim: 0 as ASCII + delimiter is 2 bytes, as a 64-bit binary integer 8.
grep -Eq "^\| 0 \| ascii .*\| 2 \| 2 \| PASS \|" "$summary" || fail "HOWTO ascii row missing/failed"
grep -Eq "^\| 0 \| binary 64-bit.*\| 8 \| 8 \| PASS \|" "$summary" || fail "HOWTO binary row missing/failed"
grep -q "framekit vs Boost.Asio" "$summary" || fail "no Asio table"
grep -q "N/A" "$summary" || fail "no N/A cell (bin4 on u64 must be N/A, never truncated)"
[ "$(grep -c '^| (a) same stream\|^| (b) end to end' "$summary")" -eq 8 ] || fail "Asio rows missing"
if grep -E '^\| \((a|b)\) ' "$summary" | grep -q 'not run'; then fail "an Asio comparison did not run"; fi

# --- The JSON and the raw log: every regime, the compressed rows, one run.
json="$out/encoding_comparison.json"
grep -q '"benchmarks"' "$json" || fail "JSON has no benchmarks"
for name in 'encode/ascii+delim/1/zeros' 'decode/bin8+fixed/16/u64' 'socket/varint+lenvar/1000/zipf' \
            'encode/ascii+zstd+lenvar/1/zeros' 'decode/varint+zstd+lenvar/16/negatives' \
            'socket/bin8+zstd+lenvar/1000/u64'; do
  grep -q "\"name\": \"$name" "$json" || fail "JSON lacks $name"
done
grep -q '^encode/ascii+delim/1/zeros' "$out/encoding_comparison.log" || fail "raw log lacks lines"
grep -q "<svg" "$out/encoding_comparison_chart.svg" || fail "chart is not SVG"
grep -q "</svg>" "$out/encoding_comparison_chart.svg" || fail "chart SVG truncated"
grep -q "<rect" "$out/encoding_comparison_chart.svg" || fail "chart has no bars"
grep -q "Compressed: bytes on the wire per value" "$out/encoding_comparison_chart.svg" ||
  fail "chart has no compression panel"
grep -q "^targets:" "$log" || fail "no targets line printed"

# --- --verbose: Google Benchmark's raw lines instead of the section lines.
vlog="$tmp/verbose.stdout"
"$bin" --quick --verbose --out_dir="$tmp/verbose_out" --benchmark_filter='^encode/bin8\+fixed/' \
  2>&1 | cat >"$vlog" || fail "verbose run failed"
grep -Eq '^encode/bin8\+fixed/1/zeros +[0-9]' "$vlog" || { cat "$vlog" >&2; fail "--verbose shows no raw line"; }
if grep -Eq '^\[[0-9]+/[0-9]+\] ' "$vlog"; then fail "--verbose still prints section lines"; fi
grep -q "^## The answer (this run)" "$vlog" || fail "--verbose lost the summary"
echo "PASS"

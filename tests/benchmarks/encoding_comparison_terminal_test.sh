#!/usr/bin/env bash
# framekit/tests/benchmarks/encoding_comparison_terminal_test.sh
#
# Contract: runs //benchmarks/encoding:encoding_comparison --quick (a few benchmarks, by filter) on
# a pseudo-terminal (script(1)) and checks that it chose the terminal display by itself: a status
# line redrawn in place with carriage returns, naming the section, cells done of total and the time
# left, erased before the summary. Skips (exit 0 with SKIP) only when this machine cannot open a
# pseudo-terminal at all, which the test checks first.
set -euo pipefail

bin="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
typescript="$tmp/typescript"

if ! command -v script >/dev/null || ! TERM=xterm script -qec true /dev/null >/dev/null 2>&1; then
  echo "SKIP: no script(1) or no pseudo-terminal here"
  exit 0
fi
TERM=xterm script -qec "'$bin' --quick --transforms=none --out_dir='$tmp/out' --benchmark_filter='^(encode|decode)/bin8\\+fixed/'" \
  "$typescript" >/dev/null 2>&1 </dev/null || { cat "$typescript" >&2; echo "FAIL: run failed" >&2; exit 1; }

fail() { echo "FAIL: $*" >&2; cat -v "$typescript" | tail -30 >&2; exit 1; }
grep -q $'\r''running \[1/2\] encode: [0-9]*/[0-9]* cells done, [0-9]*s elapsed, about [0-9ms]* left' \
  "$typescript" || fail "no status line redrawn in place"
grep -q $'\r''running \[2/2\] decode:' "$typescript" || fail "the status line does not follow the section"
# Only the filtered-in cells count: two sections of 21.
grep -q $'\r\033\[K''\[1/2\] encode: 21 cells in [0-9]*s' "$typescript" || fail "no finished-section line"
grep -q 'running \[1/2\] encode: 0/42 cells done' "$typescript" || fail "the total ignores the filter"
grep -q "## The answer (this run)" "$typescript" || fail "no summary after the progress"
echo "PASS"

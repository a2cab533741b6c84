#!/usr/bin/env bash
# The README's test command: installs what is needed, runs every test of framekit and of the
# example consumer workspace, and ends with one line "N passed, N failed" (test targets).
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
status=0
# --keep_going: one broken target must not hide the results of the others.
bazel test --keep_going --test_summary=short //... 2>&1 | grep -v 'linux-sandbox' | tee "$log" || status=1
if [ -d examples/consumer ]; then
  (cd examples/consumer && bazel test --keep_going --test_summary=short //... 2>&1) |
    grep -v 'linux-sandbox' | tee -a "$log" || status=1
fi

passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log" || true)
failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FLAKY|INCOMPLETE)|FAILED TO BUILD' "$log" || true)
if grep -qE '^(ERROR|FAILED):' "$log" && [ "$failed" -eq 0 ]; then failed=1; fi
rm -f "$log"
[ "$failed" -eq 0 ] || status=1
echo "${passed} passed, ${failed} failed"
exit $status

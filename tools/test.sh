#!/usr/bin/env bash
# The README's test command: installs what is needed, runs every test of framekit and of the
# example consumer workspace with Bazel, then the CMake build (tools/cmake_test.sh: CTest, install,
# the three consumers of the installed package), and ends with one line "N passed, N failed"
# (Bazel test targets + CTest test cases + the two installed-package consumers).
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
echo "bazel: ${passed} passed, ${failed} failed"

# The CMake build of the same sources, its install and the consumers of the installed package.
bash tools/cmake_test.sh 2>&1 | tee "$log" || status=1
cmake_counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
if [ -z "$cmake_counts" ]; then
  failed=$((failed + 1))
else
  read -r cmake_passed _ cmake_failed _ <<<"$cmake_counts"
  passed=$((passed + cmake_passed))
  failed=$((failed + cmake_failed))
fi
rm -f "$log"
[ "$failed" -eq 0 ] || status=1
echo "${passed} passed, ${failed} failed"
exit $status

#!/usr/bin/env bash
# Runs the whole framekit test suite (bazel test //...) under AddressSanitizer (+ LeakSanitizer)
# and then UndefinedBehaviorSanitizer, with gcc and the --config=asan / --config=ubsan settings of
# .bazelrc, in a separate Bazel output base so the shared build cache is left alone.
#
#   bash tools/sanitizers.sh [asan] [ubsan]     (default: both)
#   SAN_OUTPUT_BASE=dir   output base (default /tmp/fk_san_ob); its Bazel server is shut down at the
#                         end unless SAN_KEEP_SERVER=1.
#   SAN_TARGETS="..."     targets (default //...).
#
# Prints each test's result per sanitizer and one line "CONFIG: N passed, N failed"; exits non-zero
# if any test failed or did not build.
set -uo pipefail
cd "$(dirname "$0")/.."
OB=${SAN_OUTPUT_BASE:-/tmp/fk_san_ob}
if [ -n "${SAN_TARGETS:-}" ]; then
  TARGETS=$SAN_TARGETS
else
  # //... spelled as one pattern per top-level directory: seen from another output base, the shared
  # server's convenience links (bazel-main, bazel-out, ...) are ordinary directories full of
  # external packages, and negative patterns do not stop Bazel from loading them.
  TARGETS="//:all"
  prune=()
  while read -r ignored; do
    [ -n "$ignored" ] && prune+=(-path "${ignored%/}" -prune -o)
  done < <(grep -v '^#' .bazelignore 2>/dev/null)
  for dir in */; do
    dir=${dir%/}
    [ -L "$dir" ] && continue
    [ -n "$(find "$dir" "${prune[@]}" \( -name BUILD.bazel -o -name BUILD \) -print | head -1)" ] &&
      TARGETS="$TARGETS //$dir/..."
  done
fi
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(asan ubsan)
status=0
summary=()
for config in "${configs[@]}"; do
  start=$(date +%s)
  log=$(mktemp)
  # shellcheck disable=SC2086
  # --symlink_prefix=/: create no bazel-* links, which would repoint the shared ones here.
  bazel --output_base="$OB" test --config="$config" --symlink_prefix=/ --keep_going \
    --test_summary=short --test_output=errors $TARGETS 2>&1 | grep -vE '^[0-9.]+: src/main/tools/linux-sandbox' > "$log"
  passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log" || true)
  failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FLAKY|INCOMPLETE)|FAILED TO BUILD' "$log" || true)
  if grep -qE '^(ERROR|FAILED):' "$log" && [ "$failed" -eq 0 ]; then failed=1; fi
  echo "=== $config ($(( $(date +%s) - start )) s) ==="
  grep -E '^//[^ ]+ +(\(cached\) )?[A-Z]' "$log"
  grep -E '^(ERROR|FAILED):' "$log" | head -20
  # Why failing tests failed: their gtest failures and sanitizer reports (from --test_output=errors).
  awk '/^=+ Test output for /{print; n=0; inside=1; next}
       /^=+$/ && inside {inside=0; next}
       !inside || n >= 60 {next}
       /: Failure$/ {after=4}
       after-- > 0 || /ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: |^\[  FAILED  \]/ {print; n++}' "$log"
  summary+=("$config: $passed passed, $failed failed")
  [ "$failed" -eq 0 ] || status=1
  rm -f "$log"
done
[ "${SAN_KEEP_SERVER:-0}" = 1 ] || bazel --output_base="$OB" shutdown >/dev/null 2>&1 || true
printf '%s\n' "${summary[@]}"
exit $status

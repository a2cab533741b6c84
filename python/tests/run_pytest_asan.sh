#!/usr/bin/env bash
# The Python tests against the extension built with AddressSanitizer (--config=asan, in the
# sanitizer output base tools/sanitizers.sh uses), loaded into Debian's uninstrumented
# /usr/bin/python3 by preloading the ASan runtime (and libstdc++, whose __cxa_throw ASan's
# interceptor must find: the interpreter does not link it). The extension's own C code (the
# reader's fast path, its reuse of frames' bytes, decoding in place from Python buffers) is where
# a memory error would hide. PYTHONMALLOC=malloc puts Python's objects under ASan too (pymalloc's
# arenas would hide an overrun inside them); leaks are not checked (the interpreter keeps some).
#
#   bash python/tests/run_pytest_asan.sh     (SAN_OUTPUT_BASE as for tools/sanitizers.sh)
#
# Prints pytest's result and one line "python-asan: N passed, N failed" (one test target).
set -uo pipefail
cd "$(dirname "$0")/../.."
OB=${SAN_OUTPUT_BASE:-/tmp/fk_san_ob}
PYTHON=${FRAMEKIT_PYTHON:-/usr/bin/python3}
fail() {
  echo "$1"
  echo "python-asan: 0 passed, 1 failed"
  exit 1
}
bazel --output_base="$OB" build --config=asan --symlink_prefix=/ //python:_framekit.so \
  //tools/framecat 2>&1 | tail -3
bin=$(bazel --output_base="$OB" info --config=asan bazel-bin 2>/dev/null) ||
  fail "cannot locate the ASan build's outputs"
so="$bin/python/_framekit.so"
framecat="$bin/tools/framecat/framecat"
[ -f "$so" ] && [ -x "$framecat" ] || fail "ASan build outputs missing: $so $framecat"
site=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$site" "$log"' EXIT
mkdir -p "$site/framekit" "$site/tests" "$site/examples"
cp python/framekit/*.py python/framekit/*.pyi python/framekit/py.typed "$site/framekit/"
cp "$so" "$site/framekit/_framekit.so"
cp python/tests/*.py "$site/tests/"
cp python/examples/*.py "$site/examples/"
preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so)"
(cd "$site" &&
  FRAMECAT="$framecat" PYTHONPATH="$site" PYTHONDONTWRITEBYTECODE=1 PYTHONMALLOC=malloc \
    LD_PRELOAD="$preload" \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:log_path="$site/asan" \
    timeout 900 "$PYTHON" -m pytest -q -p no:cacheprovider tests >"$log" 2>&1)
rc=$?
# ASan's report if there is one (to a file: pytest captures the tests' stderr), then pytest's
# summary.
cat "$site"/asan.* 2>/dev/null | grep -E 'ERROR: AddressSanitizer|^SUMMARY: |^    #[0-9] ' | head -20
grep -vE '^  File ' "$log" | tail -8
if [ "$rc" -eq 0 ]; then
  echo "python-asan: 1 passed, 0 failed"
else
  echo "python-asan: 0 passed, 1 failed"
fi
exit "$rc"

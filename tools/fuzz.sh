#!/usr/bin/env bash
# Builds every framekit fuzz target (fuzz/*_fuzzer.cc) as a real libFuzzer binary with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer (outside Bazel: one clang++ per source), then runs
# each for SECONDS (default 60) starting from its checked-in seed corpus fuzz/corpus/<target>/.
#
#   bash tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   FUZZ_OUT=dir     build and work directory (default /tmp/framekit_fuzz): binaries, the growing
#                    corpus of each run (<dir>/corpus/<target>, kept between runs), logs, and the
#                    crashing inputs (<dir>/artifacts/<target>/crash-*).
#   FUZZ_JOBS=n      compile jobs (default 2).
#
# Prints one line per target: runs, corpus size, result (ok | CRASH <input file>), and exits non-zero
# if any target crashed or failed to build. What each target checks: docs/fuzzing.md.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_TARGET=${1:-60}
shift || true
OUT=${FUZZ_OUT:-/tmp/framekit_fuzz}
JOBS=${FUZZ_JOBS:-2}
CXX=${CXX_FUZZ:-clang++}
mkdir -p "$OUT/include" "$OUT/obj" "$OUT/bin" "$OUT/logs"
# framekit/framing/... includes resolve through a 'framekit' link to the repository root.
ln -sfn "$ROOT" "$OUT/include/framekit"

ABSL_LIBS=$(pkg-config --libs absl_status absl_statusor absl_strings absl_str_format \
  absl_synchronization absl_flat_hash_map absl_hash) || { echo "pkg-config: Abseil missing"; exit 1; }
# The transforms' compression libraries (Debian's libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev).
ABSL_LIBS="$ABSL_LIBS -lzstd -llz4 -lsnappy -lz"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CXXFLAGS="-std=c++17 -O1 -g -Wall -Wextra -I$OUT/include $SAN"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/*_fuzzer.cc; do targets+=("$(basename "$f" .cc)"); done
fi

# 1. The library, instrumented for coverage (fuzzer-no-link) and the sanitizers.
build_start=$(date +%s)
lib_srcs=(spec/*.cc framing/*.cc framing/internal/*.cc codecs/*.cc transforms/*.cc transforms/internal/*.cc)
printf '%s\n' "${lib_srcs[@]}" | xargs -P "$JOBS" -I{} sh -c '
  src="{}"; obj="'"$OUT"'/obj/$(echo "$src" | tr / _).o"
  if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find spec coding framing codecs transforms -name "*.h" -newer "$obj" | head -1)" ]; then
    '"$CXX"' '"$CXXFLAGS"' -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || exit 255
  fi' || { echo "library build failed"; exit 1; }
objs=()
for src in "${lib_srcs[@]}"; do objs+=("$OUT/obj/$(echo "$src" | tr / _).o"); done

# 2. One binary per target.
printf '%s\n' "${targets[@]}" | xargs -P "$JOBS" -I{} sh -c '
  '"$CXX"' '"$CXXFLAGS"' -fsanitize=fuzzer "fuzz/{}.cc" '"${objs[*]}"' '"$ABSL_LIBS"' \
    -o "'"$OUT"'/bin/{}" 2> "'"$OUT"'/logs/{}.build.log" || { cat "'"$OUT"'/logs/{}.build.log"; exit 255; }' \
  || { echo "fuzzer build failed"; exit 1; }
echo "built ${#targets[@]} fuzzers in $(( $(date +%s) - build_start )) s ($OUT/bin)"

# 3. Run each in turn (one process: the machine is shared).
status=0
printf '%-28s %10s %8s  %s\n' target runs corpus result
for t in "${targets[@]}"; do
  corpus="$OUT/corpus/$t"
  artifacts="$OUT/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  seeds="fuzz/corpus/$t"
  [ -d "$seeds" ] || seeds=""
  dict=""
  [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
  # Extra libFuzzer flags of one target (e.g. the decompressors' -malloc_limit_mb).
  options=""
  [ -f "fuzz/$t.options" ] && options=$(cat "fuzz/$t.options")
  log="$OUT/logs/$t.log"
  "$OUT/bin/$t" -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" $dict $options "$corpus" $seeds > "$log" 2>&1
  rc=$?
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+')
  [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  files=$(find "$corpus" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    result=ok
  else
    status=1
    crash=$(ls -t "$artifacts"/* 2>/dev/null | head -1)
    result="CRASH ${crash:-(no artifact)} (log: $log)"
  fi
  printf '%-28s %10s %8s  %s\n' "$t" "${runs:-?}" "$files" "$result"
done
exit $status

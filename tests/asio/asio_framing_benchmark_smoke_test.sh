#!/usr/bin/env bash
# framekit/tests/asio/asio_framing_benchmark_smoke_test.sh
#
# Contract: runs //benchmarks/asio:asio_framing_benchmark once in a tiny mode (few messages, one
# repetition, both transports) and checks that it exits 0 (it exits non-zero if any reader lost a
# frame or a byte, or failed) and prints its table with every row, a ratio and a reader CPU time in
# each framekit row, and the scheduler floor with async_read_frame's rate against it at 16 B.
# It checks that the benchmark works end to end, not the numbers.
set -euo pipefail

bin="$1"
log="${TEST_TMPDIR:-/tmp}/asio_framing_benchmark.log"
fail() { echo "FAIL: $*" >&2; tail -40 "$log" >&2; exit 1; }

for transport in unix tcp; do
  if ! "$bin" --reps=1 --small_messages=20000 --large_messages=64 --transport="$transport" \
      --no_pin >"$log" 2>&1; then
    fail "asio_framing_benchmark --transport=$transport exited non-zero"
  fi
  for stream in "length:width=4" "delimiter"; do
    for size in "16 B" "64 KiB"; do
      for reader in "framekit async_read_frame" "framekit async_read_frames"; do
        grep -Eq "^\| ${stream} \| ${size} \| ${reader} \| [0-9.]+ [kM] .*\| \*\*[0-9.]+x\*\*.*\| [0-9.]+ (ns|us) \(.*\| [0-9.]+x \(" "$log" ||
          fail "no row for ${stream} ${size} ${reader} with its CPU columns ($transport)"
      done
    done
    grep -Eq "^\| ${stream} \| 16 B \| framekit async_read_frame \| .*\| [0-9]+% \([0-9]+-[0-9]+\) \|" "$log" ||
      fail "no rate against the floor for ${stream} async_read_frame ($transport)"
    grep -Eq "^\| ${stream} \| 16 B \| floor: one scheduler pass per message \| [0-9.]+ [kM] .*\| [0-9.]+x \(" "$log" ||
      fail "no floor row for ${stream} ($transport)"
  done
  grep -q "| asio async_read_until |" "$log" || fail "no read_until row"
  grep -q "| asio async_read(transfer_exactly) |" "$log" || fail "no transfer_exactly row"
  grep -Eq "^Floor of one scheduler pass per message .*: [0-9.]+ [kM] \(" "$log" || fail "no floor line"
done
echo "PASS"

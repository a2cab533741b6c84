#!/usr/bin/env python3
"""Old-against-new A/B of one Google Benchmark binary built at two commits.

Runs the two binaries alternately (old, new, old, new, ...) for --rounds rounds with the same
filter, each round one repetition per benchmark, and prints a Markdown table: per benchmark the
new/old ratio of items (or bytes) per second, as the median and range over the rounds. Ratios
above 1 mean the new build is faster. Alternating rounds put both builds through the same noise.

  python3 benchmarks/ab_compare.py --old /tmp/old/framing_benchmark \
      --new bazel-bin/benchmarks/framing_benchmark --filter 'BM_Decode' --rounds 3
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile


def run(binary, bench_filter, min_time, extra, counter):
    # JSON through --benchmark_out: binaries with their own console reporter ignore --benchmark_format.
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        cmd = [binary, f"--benchmark_filter={bench_filter}", f"--benchmark_min_time={min_time}",
               "--benchmark_repetitions=1", f"--benchmark_out={f.name}",
               "--benchmark_out_format=json"] + extra
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        data = json.load(open(f.name))
    rates = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate":
            continue
        rate = b.get(counter) if counter else (b.get("items_per_second") or b.get("bytes_per_second"))
        if rate:
            rates[b["name"]] = rate
    return rates


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--old", required=True)
    p.add_argument("--new", required=True)
    p.add_argument("--filter", default=".")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--min_time", default="0.2")
    p.add_argument("--counter", default="",
                   help="the rate to compare (default items_per_second, else bytes_per_second)")
    p.add_argument("extra", nargs="*", help="more flags for both binaries")
    a = p.parse_args()
    ratios = {}
    for r in range(a.rounds):
        old = run(a.old, a.filter, a.min_time, a.extra, a.counter)
        new = run(a.new, a.filter, a.min_time, a.extra, a.counter)
        for name, rate in new.items():
            if name in old:
                ratios.setdefault(name, []).append(rate / old[name])
        print(f"round {r + 1}/{a.rounds} done", file=sys.stderr)
    print("| benchmark | new/old: median (range) |")
    print("|---|--:|")
    for name, rs in ratios.items():
        print(f"| {name} | {statistics.median(rs):.3f} ({min(rs):.3f}-{max(rs):.3f}) |")
    allr = sorted(statistics.median(rs) for rs in ratios.values())
    if allr:
        print(f"\n{len(allr)} benchmarks; medians from {allr[0]:.3f} to {allr[-1]:.3f}, "
              f"median of medians {statistics.median(allr):.3f}.")


if __name__ == "__main__":
    main()

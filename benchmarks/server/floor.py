#!/usr/bin/env python3
"""framekit/benchmarks/server/floor.py -- the floor under an echo server's CPU per message.

Every server here moves the same bytes through the same kernel: the load generator decides how
many frames share a TCP segment, and a server must recv each segment and send its echoes, which on
loopback includes delivering them into the generator's socket. That TCP work is the floor: a
server whose own code, event loop and system-call entries cost nothing would still pay it. This
script measures it per server and cell, in the same run as run.py measures CPU per message:

- segments per message: the kernel's TCP OutSegs over the measure window (/proc/net/snmp; on
  loopback it counts both directions), divided by the echoes -- equal across servers means no
  server sends or causes more segments than another;
- the share of the server's CPU samples under tcp_sendmsg and tcp_recvmsg (`perf record -g` of
  the server's processes over the same window; their callees included);
- floor = that share x the server's CPU seconds per million messages; and, paired within each
  run, the lowest CPU ratio a framekit row could reach against each peer (its floor over the
  peer's whole CPU per message) next to the ratio it has and the issue's target;
- the generator's own CPU per message, and from it the most io_uring's throughput could be over
  epoll's with one generator thread, and with the two cores shared by the generator and an
  io_uring server at its floor.

  python3 benchmarks/server/floor.py [--runs=3] [--servers=a,b] [--cells=CxWxS,...] [--out=DIR]

Needs `perf` (Debian: linux-perf) allowed to profile other processes (root, or
kernel.perf_event_paranoid <= 1). About 1.5 minutes per run with four servers and four cells.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys

import run  # benchmarks/server/run.py: the servers, their build and one measurement

CELLS = [(1, 64, 16), (100, 16, 16), (1000, 4, 16), (100, 4, 4096)]  # the pipelined cells
DEFAULT_SERVERS = ["framekit", "framekit-uring", "asio", "netty"]
TIMING = (1.0, 4.0)
SAMPLE_HZ = 999
TCP_WORK = ("tcp_sendmsg", "tcp_recvmsg")  # the kernel's send and receive paths, callees included
# Issue 15/16 targets: (framekit row, peer) -> highest CPU-per-message ratio wanted, and cells.
TARGETS = {
    ("framekit", "asio"): (0.7, None), ("framekit-uring", "asio"): (0.7, None),
    ("framekit", "netty"): (0.4, None), ("framekit-uring", "netty"): (0.4, None),
    ("framekit-uring", "framekit"): (0.75, {(100, 16, 16), (1000, 4, 16)}),
}
FRAMEKIT_ROWS = ("framekit", "framekit-uring")


def tcp_out_segments():
    """The kernel's Tcp OutSegs counter (all sockets of this network namespace)."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Tcp:")]
    header, values = rows[0], rows[1]
    return int(values[header.index("OutSegs")])


def report_shares(report_text, symbols):
    """From `perf report --children --sort sym -g none` text: each symbol's children percentage,
    and the user-space share (the self percentages of user-space symbols)."""
    shares = dict.fromkeys(symbols, 0.0)
    user = 0.0
    for line in report_text.splitlines():
        match = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[([k.])\]\s+(\S+)\s*$", line)
        if not match:
            continue
        if match.group(4) in shares:
            shares[match.group(4)] = float(match.group(1))
        if match.group(3) == ".":
            user += float(match.group(2))
    return shares, user


def floor_row(result, segments, shares, user_pct):
    """The floor figures of one measurement (run.measure's result, its window's segments)."""
    echoes = result["generator"]["echoes"]
    tcp_share = sum(shares.values()) / 100.0
    return {"segments_per_msg": segments / echoes, "tcp_share": tcp_share,
            "shares_pct": shares, "user_share": user_pct / 100.0,
            "floor_s_per_m": tcp_share * result["cpu_s_per_m"],
            "user_s_per_m": user_pct / 100.0 * result["cpu_s_per_m"],
            "gen_s_per_m": result["generator"]["generator_cpu_s"] / echoes * 1e6}


class Profiler:
    """perf record of a server's processes between the generator's window markers."""

    def __init__(self, server, path):
        self.server, self.path = server, path
        self.proc, self.segments, self.error = None, None, None

    def __call__(self, mark):
        if mark == "start":
            self.segments = -tcp_out_segments()
            self.proc = subprocess.Popen(
                ["perf", "record", "-q", "-e", "cpu-clock", "-F", str(SAMPLE_HZ), "-g", "-o",
                 self.path, "-p", ",".join(str(p) for p in self.server.pids)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elif self.proc is not None:
            self.segments += tcp_out_segments()
            self.proc.send_signal(signal.SIGINT)
            _, err = self.proc.communicate(timeout=60)
            # perf record -p stopped by SIGINT exits with 255 (perf 6.x) after writing its data.
            if self.proc.returncode not in (0, 255, 128 + signal.SIGINT, -signal.SIGINT):
                self.error = "perf record failed: %s" % err.strip()[-300:]

    def shares(self):
        report = subprocess.run(
            ["perf", "report", "-i", self.path, "--children", "--sort", "sym", "--stdio",
             "-g", "none", "--percent-limit", "0"], capture_output=True, text=True)
        if report.returncode != 0 or "[k] " not in report.stdout:
            self.error = "perf report failed or found no kernel samples: %s" % (
                report.stderr.strip()[-300:])
            return None
        return report_shares(report.stdout, TCP_WORK)


def one_run(number, runs, servers, loadgen, out):
    results = []
    live = []
    try:
        for name, command in servers:
            server = run.Server(name, command,
                                os.path.join(out, "logs", "%s.run%d.log" % (name, number)))
            live.append(server)
            server.start()
        for index, cell in enumerate(CELLS):
            for server in run.rotated(live, index + number):
                profile = Profiler(server, os.path.join(out, "perf.data"))
                result = run.measure(loadgen, server, cell, 0, TIMING, 1, False, profile)
                result["run"] = number
                shares = profile.shares() if result["ok"] and profile.error is None else None
                if result["ok"] and profile.error is not None:
                    result.update(ok=False, error=profile.error)
                if result["ok"]:
                    result.update(floor_row(result, profile.segments, *shares))
                    del result["generator"]["latency_us"]  # kept small: run.py has the latencies
                    text = ("%.3f segments/msg, CPU %.3f s/M: TCP send+recv %.0f%%, user space "
                            "%.0f%%" % (result["segments_per_msg"], result["cpu_s_per_m"],
                                        100 * result["tcp_share"], 100 * result["user_share"]))
                else:
                    text = "FAILED: " + result["error"]
                run.log("[run %d/%d] %s %s: %s" % (number, runs, run.cell_name(cell),
                                                   server.name, text))
                results.append(result)
    finally:
        for server in live:
            server.stop()
    return results


def summarize(results, names, runs):
    rows, ratios, ceilings = [], [], []
    for cell in CELLS:
        for name in names:
            mine = [run.find(results, r, name, cell) for r in range(1, runs + 1)]
            ok = [m for m in mine if m]
            rows.append({"cell": list(cell), "server": name, "runs_ok": len(ok),
                         **{k: run.spread([m[k] for m in ok]) for k in (
                             "msgs_per_s", "segments_per_msg", "cpu_s_per_m", "tcp_share",
                             "floor_s_per_m", "user_s_per_m", "gen_s_per_m", "gen_cpu")}})
        for (mine_name, peer), (target, cells) in TARGETS.items():
            if mine_name not in names or peer not in names or (cells and cell not in cells):
                continue
            pairs = [(run.find(results, r, mine_name, cell), run.find(results, r, peer, cell))
                     for r in range(1, runs + 1)]
            pairs = [(m, p) for m, p in pairs if m and p]
            ratios.append({"cell": list(cell), "server": mine_name, "peer": peer,
                           "target": target,
                           "ratio_now": run.spread([m["cpu_s_per_m"] / p["cpu_s_per_m"]
                                                    for m, p in pairs]),
                           "floor_ratio": run.spread([m["floor_s_per_m"] / p["cpu_s_per_m"]
                                                      for m, p in pairs]),
                           # Of this row's work beyond its TCP floor, the part that would have
                           # to go to meet the target: <= 0 met, > 1 out of reach.
                           "cut_needed": run.spread(
                               [(m["cpu_s_per_m"] - target * p["cpu_s_per_m"])
                                / (m["cpu_s_per_m"] - m["floor_s_per_m"]) for m, p in pairs]),
                           "user_share_of_rest": run.spread(
                               [m["user_s_per_m"] / (m["cpu_s_per_m"] - m["floor_s_per_m"])
                                for m, p in pairs])})
        # Issue 16's throughput target (io_uring >= 1.2x epoll) against what the two cores allow:
        # one generator thread cannot pass a core's worth of its own CPU per message; with the
        # whole two-core budget, an io_uring server at its floor gets (g + s_epoll) / (g' + floor).
        pairs = [(run.find(results, r, "framekit-uring", cell), run.find(results, r, "framekit",
                                                                            cell))
                 for r in range(1, runs + 1)]
        pairs = [(u, e) for u, e in pairs if u and e]
        if pairs:
            ceilings.append({
                "cell": list(cell),
                "ratio_now": run.spread([u["msgs_per_s"] / e["msgs_per_s"] for u, e in pairs]),
                "one_generator_thread": run.spread(
                    [1e6 / u["gen_s_per_m"] / e["msgs_per_s"] for u, e in pairs]),
                "two_cores_at_floor": run.spread(
                    [(e["gen_s_per_m"] + e["cpu_s_per_m"]) / (u["gen_s_per_m"] + u["floor_s_per_m"])
                     for u, e in pairs])})
    return rows, ratios, ceilings


def fmt(s, pattern="%.3f", scale=1.0):
    if s is None:
        return "-"
    return (pattern + " (" + pattern + "-" + pattern + ")") % (
        s["median"] * scale, s["min"] * scale, s["max"] * scale)


def markdown(header, rows, ratios, ceilings, failures):
    lines = ["# The floor under CPU per message", "", header, "",
             "Median (min-max) over the runs. Segments: TCP OutSegs per message, both directions "
             "(loopback). TCP work (the floor): the server's CPU samples under %s, callees "
             "included, times its CPU per message; user space: its samples in user-space code." %
             " and ".join(TCP_WORK), "",
             "| cell | server | msgs/s | segments/msg | CPU s/M msgs | TCP work s/M (%) | "
             "user space s/M | rest s/M | generator s/M (core) |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        rest = None
        if r["cpu_s_per_m"] and r["floor_s_per_m"] and r["user_s_per_m"]:
            rest = {k: r["cpu_s_per_m"][k] - r["floor_s_per_m"][k] - r["user_s_per_m"][k]
                    for k in ("median", "min", "max")}
        lines.append("| %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s (%s) |" % (
            run.cell_name(r["cell"]), r["server"], fmt(r["msgs_per_s"], "%.0f"),
            fmt(r["segments_per_msg"]), fmt(r["cpu_s_per_m"]), fmt(r["floor_s_per_m"]),
            "-" if r["tcp_share"] is None else "%.0f%%" % (100 * r["tcp_share"]["median"]),
            fmt(r["user_s_per_m"]), "-" if rest is None else "%.3f" % rest["median"],
            fmt(r["gen_s_per_m"]),
            "-" if r["gen_cpu"] is None else "%.2f" % r["gen_cpu"]["median"]))
    lines += ["", "Each framekit row against each peer, paired within each run: its CPU per "
              "message over the peer's now; its floor over the peer's CPU per message (the ratio "
              "if all but its TCP work cost nothing); and the part of its work above the floor "
              "that would have to go to meet the target (<= 0: met; > 1: out of reach), beside "
              "the part of that work that is user space (framing, handler, send queue).", "",
              "| cell | server / peer | ratio now | floor | target | cut needed | user space "
              "of the rest |", "|---|---|--:|--:|--:|--:|--:|"]
    for r in ratios:
        lines.append("| %s | %s / %s | %s | %s | %.2f | %s | %s |" % (
            run.cell_name(r["cell"]), r["server"], r["peer"], fmt(r["ratio_now"], "%.2f"),
            fmt(r["floor_ratio"], "%.2f"), r["target"], fmt(r["cut_needed"], "%.2f"),
            fmt(r["user_share_of_rest"], "%.2f")))
    if ceilings:
        lines += ["", "io_uring's throughput over epoll's (issue 16: >= 1.2x), now and at most: "
                  "with one generator thread (a core's worth of the generator's own CPU per "
                  "message over epoll's msgs/s), and with the two cores shared by the generator "
                  "and an io_uring server at its floor:", "",
                  "| cell | now | ceiling, one generator thread | ceiling, two cores |",
                  "|---|--:|--:|--:|"]
        for c in ceilings:
            lines.append("| %s | %s | %s | %s |" % (
                run.cell_name(c["cell"]), fmt(c["ratio_now"], "%.2f"),
                fmt(c["one_generator_thread"], "%.2f"), fmt(c["two_cores_at_floor"], "%.2f")))
    if failures:
        lines += ["", "Failed measurements:", ""]
        lines += ["- %s %s run %d: %s" % (f["server"], run.cell_name(f["cell"]), f["run"],
                                         f["error"]) for f in failures]
    return "\n".join(lines) + "\n"


def main():
    global CELLS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--servers", default=",".join(DEFAULT_SERVERS),
                        help="comma-separated run.py server names (default %(default)s)")
    parser.add_argument("--cells", default="", help="CONNECTIONSxWINDOWxPAYLOAD,... (default: "
                        + ",".join(run.cell_name(c) for c in CELLS) + ")")
    parser.add_argument("--out", default="/tmp/framekit_server_floor")
    args = parser.parse_args()
    if args.cells:
        CELLS = run.parse_cells(parser, args.cells)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    wanted = args.servers.split(",")
    unknown = [n for n in wanted if n not in [s.name for s in run.SERVERS]]
    if unknown or run.BASELINE not in wanted:
        parser.error("--servers: unknown %s, or %s missing" % (unknown, run.BASELINE))
    if shutil.which("perf") is None:
        sys.exit("floor.py: perf not found (Debian: apt-get install linux-perf)")
    probe = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-o", "/dev/null", "--",
                            "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        sys.exit("floor.py: perf cannot record here (root, or perf_event_paranoid <= 1): %s"
                 % probe.stderr.strip()[-300:])

    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "logs"), exist_ok=True)
    run.CELLS = CELLS  # run.py's descriptor limit and build follow these
    run.SERVERS = [s for s in run.SERVERS if s.name in wanted]
    run.raise_descriptor_limit()
    skipped, notes = {}, []
    bazel_bin, netty_dir = run.build(out, skipped)
    loadgen = os.path.join(bazel_bin, "benchmarks/server/load_generator")
    servers = []
    for spec in run.SERVERS:
        command = None if spec.name in skipped else run.resolve_command(
            spec, bazel_bin, netty_dir, skipped, notes)
        if command is not None:
            servers.append((spec.name, command))
    for name, reason in skipped.items():
        run.log("skipping %s: %s" % (name, reason))

    info = run.machine()
    header = "%s -- %d CPUs, %s, Linux %s; %d run%s, %gs warmup + %gs profiled per cell." % (
        info["date"], info["nproc"], info["cpu"], info["kernel"], args.runs,
        "" if args.runs == 1 else "s", TIMING[0], TIMING[1])
    results = []
    for number in range(1, args.runs + 1):
        results += one_run(number, args.runs, servers, loadgen, out)
    names = [name for name, _ in servers]
    rows, ratios, ceilings = summarize(results, names, args.runs)
    failures = [r for r in results if not r["ok"]]
    report = markdown(header, rows, ratios, ceilings, failures)
    with open(os.path.join(out, "floor.md"), "w") as f:
        f.write(report)
    with open(os.path.join(out, "floor.json"), "w") as f:
        json.dump(run.finite({"machine": info, "skipped": skipped, "results": results,
                              "rows": rows, "ratios": ratios, "ceilings": ceilings}), f,
                  indent=1)
    print(report, end="")
    run.log("wrote %s" % os.path.join(out, "floor.md"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

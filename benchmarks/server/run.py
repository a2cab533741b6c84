#!/usr/bin/env python3
"""framekit/benchmarks/server/run.py -- the echo-server benchmark driver (see README.md).

Builds the load generator and the servers, then per run starts every server once (port 0) and
drives each cell (connections, window, payload size) against each server in turn, cell by cell in
a rotating server order so drift over the run hits them alike; then the memory scenario (100 good
clients with 0 and then 1 stalled client, RSS sampled every 100 ms). Each measurement records the
generator's JSON (msgs/s, latency percentiles, fairness) and the server's CPU seconds over exactly
the generator's measure window (sampled when the generator prints its window markers).

Writes OUT/results.md (also printed), OUT/results.json (raw data) and OUT/logs/ (build and server
logs). Exits 1 when any measurement failed (a wrong echo, a server that died...), else 0.

  python3 benchmarks/server/run.py [--runs=3] [--quick] [--out=DIR] [--gen-threads=1]
                                   [--servers=a,b] [--cells=CxWxS,...] [--no-memory]
                                   [--framecat-ab=PATH] [--server-threads=2]

One run (the default) takes about 4 minutes with the four default servers; --runs=3 gives the
spread that RESULTS.md reports.
"""

import argparse
import dataclasses
import json
import math
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

# --- The servers compared, one row each. ---------------------------------------------------------
# build:    "bazel" (`target` is built with the load generator), "netty" (netty/build.sh OUT/netty)
#           or "ab" (a framecat binary given by --framecat-ab, not built).
# command:  {bin} is Bazel's bazel-bin directory, {netty} the Netty build directory, {ab} the
#           --framecat-ab binary.
# optional: flags passed only when the server's --help mentions them (features still landing).
# required: flags without which the row is skipped, e.g. a later framekit row with
#           required=("--backend=io_uring",).
# --help is asked of the command's words before its first flag.
@dataclasses.dataclass
class ServerSpec:
    name: str
    build: str
    command: list
    target: str = ""
    optional: tuple = ()
    required: tuple = ()
    default: bool = True  # in the default run; others only by --servers (A/B rows)


SERVERS = [
    # framecat --echo is a thin client of framekit::Server. --drop_stalled_after=inf: the
    # library's own policy for a client that stops reading (paused, never dropped), not framecat's
    # historical drop.
    ServerSpec("framekit", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat"),
    # The same server on its io_uring backend (kept out by `required` where framecat lacks it).
    ServerSpec("framekit-uring", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat", required=("--backend=io_uring",)),
    # A/B rows: the io_uring backend without one feature each (--servers=...; see RESULTS.md).
    ServerSpec("uring-single-recv", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat",
               required=("--backend=io_uring", "--io_uring_multishot_recv=false"), default=False),
    ServerSpec("uring-coop-taskrun", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat",
               required=("--backend=io_uring", "--io_uring_defer_taskrun=false"), default=False),
    # send_zc for every send (plain sends are the framekit-uring row): the A/B of RESULTS.md's
    # send_zc section, with --cells for the payload sizes.
    ServerSpec("uring-send-zc", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat",
               required=("--backend=io_uring", "--io_uring_send_zc_min_bytes=1"), default=False),
    # Large frames all through the buffer ring (no direct recv into the decoder): with --cells of
    # large payloads, the A/B of RESULTS.md's direct-read section.
    ServerSpec("uring-no-direct", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat",
               required=("--backend=io_uring", "--io_uring_direct_read_min_bytes=0"),
               default=False),
    # Batching A/B: a write per frame instead of one per connection per iteration, each backend.
    ServerSpec("framekit-unbatched", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat", required=("--batch_sends=false",), default=False),
    ServerSpec("uring-unbatched", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat", required=("--backend=io_uring", "--batch_sends=false"),
               default=False),
    ServerSpec("framekit-reuseport", "bazel",
               ["{bin}/tools/framecat/framecat", "--listen=127.0.0.1:0", "--echo",
                "--framer=length:width=4", "--threads=2", "--drop_stalled_after=inf"],
               target="//tools/framecat", required=("--reuse_port",), default=False),
    ServerSpec("asio", "bazel",
               ["{bin}/benchmarks/server/asio/asio_echo_server", "--port=0", "--threads=2"],
               target="//benchmarks/server/asio:asio_echo_server"),
    ServerSpec("netty", "netty",
               ["bash", "benchmarks/server/netty/run.sh", "{netty}", "--port=0", "--threads=2"]),
    # Old-vs-new A/B: another framecat build (e.g. the previous commit's) on each backend, in the
    # same run as this tree's; added by --framecat-ab=PATH.
    ServerSpec("framekit-ab", "ab",
               ["{ab}", "--listen=127.0.0.1:0", "--echo", "--framer=length:width=4",
                "--threads=2", "--drop_stalled_after=inf"], default=False),
    ServerSpec("uring-ab", "ab",
               ["{ab}", "--listen=127.0.0.1:0", "--echo", "--framer=length:width=4",
                "--threads=2", "--drop_stalled_after=inf"],
               required=("--backend=io_uring",), default=False),
]
ALL_SERVERS = list(SERVERS)
BASELINE = "framekit"  # ratios are this server's numbers over each peer's
PAIRED_WITH = {"uring-ab": "framekit-uring"}  # rows whose ratios are against another row

LOADGEN_TARGET = "//benchmarks/server:load_generator"
CELLS = [(1, 1, 16), (1, 64, 16), (100, 1, 16), (100, 16, 16), (1000, 4, 16), (100, 4, 4096)]
MEMORY_CELL = (100, 4, 16)
MEMORY = True              # --no-memory: the cells only
FULL_TIMING = (1.0, 5.0)   # warmup, measure seconds: ~3 minutes for one run with three servers
QUICK_TIMING = (0.2, 0.5)
RSS_SAMPLE_S = 0.1
MEMORY_CAP_KIB = 4 << 20   # a server growing past 4 GiB in the stalled scenario is stopped there
SERVER_START_S = 60        # a JVM can take a while to listen
GENERATOR_SLACK_S = 60     # beyond warmup + measure: the generator's own connect/progress deadlines
DESCRIPTOR_SLACK = 128     # descriptors besides the connections, per process

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(message):
    print(message, file=sys.stderr, flush=True)


def tail(path, lines=5):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(f.read().strip().splitlines()[-lines:])
    except OSError:
        return ""


def cell_name(cell):
    return "%dx%dx%d" % tuple(cell)


# --- Building. -----------------------------------------------------------------------------------

def bazel_target_exists(target):
    """True when the target's package has a BUILD file that names it (no Bazel query needed)."""
    package, _, name = target[2:].partition(":")
    name = name or os.path.basename(package)
    for build in ("BUILD.bazel", "BUILD"):
        path = os.path.join(REPO, package, build)
        if os.path.exists(path):
            with open(path) as f:
                return re.search(r'name\s*=\s*"%s"' % re.escape(name), f.read()) is not None
    return False


def build(out, skipped):
    """Builds everything; returns (bazel-bin, Netty directory). Adds unbuildable servers to skipped."""
    build_log = os.path.join(out, "logs", "build.log")
    peers = []
    for spec in SERVERS:
        if spec.build == "bazel" and spec.name != BASELINE:
            if bazel_target_exists(spec.target):
                peers.append(spec)
            else:
                skipped[spec.name] = "Bazel target %s does not exist (yet)" % spec.target
    base_targets = [LOADGEN_TARGET] + [s.target for s in SERVERS if s.name == BASELINE]

    def bazel_build(targets):
        log("building %s (log: %s)" % (" ".join(targets), build_log))
        with open(build_log, "a") as f:
            return subprocess.run(["bazel", "build", "-c", "opt"] + targets, cwd=REPO, stdout=f,
                                  stderr=subprocess.STDOUT).returncode == 0

    if not bazel_build(base_targets + [s.target for s in peers]):
        if not peers or not bazel_build(base_targets):
            sys.exit("run.py: bazel build failed: %s" % tail(build_log))
        for spec in peers:
            skipped[spec.name] = "bazel build failed with it (see %s)" % build_log
    bazel_bin = subprocess.run(["bazel", "info", "-c", "opt", "bazel-bin"], cwd=REPO, check=True,
                               capture_output=True, text=True).stdout.strip()

    netty_dir = os.path.join(out, "netty")
    for spec in SERVERS:
        if spec.build != "netty":
            continue
        script = os.path.join(REPO, "benchmarks/server/netty/build.sh")
        missing = [tool for tool in ("java", "javac") if shutil.which(tool) is None]
        if missing:
            skipped[spec.name] = "%s not found" % " and ".join(missing)
        elif not os.path.exists(script):
            skipped[spec.name] = "benchmarks/server/netty/build.sh does not exist (yet)"
        else:
            log("building Netty server into %s" % netty_dir)
            with open(build_log, "a") as f:
                if subprocess.run(["bash", script, netty_dir], cwd=REPO, stdout=f,
                                  stderr=subprocess.STDOUT).returncode != 0:
                    skipped[spec.name] = "netty/build.sh failed: %s" % tail(build_log, 2)
    return bazel_bin, netty_dir


def resolve_command(spec, bazel_bin, netty_dir, skipped, notes, ab=""):
    """The server's command line with its optional flags settled, or None (added to skipped)."""
    words = [w.format(bin=bazel_bin, netty=netty_dir, ab=ab) for w in spec.command]
    flags = list(spec.optional) + list(spec.required)
    if not flags:
        return words
    program = []
    for w in words:
        if w.startswith("--"):
            break
        program.append(w)
    helped = subprocess.run(program + ["--help"], cwd=REPO, capture_output=True, text=True)
    help_text = helped.stdout + helped.stderr

    def mentioned(flag):
        name = flag.lstrip("-").split("=")[0]
        return re.search(r"(?<![\w-])--?%s\b" % re.escape(name), help_text) is not None

    for flag in spec.required:
        if not mentioned(flag):
            skipped[spec.name] = "%s --help does not mention %s" % (program[-1], flag)
            return None
    for flag in spec.optional:
        if not mentioned(flag):
            notes.append("%s: %s not passed (%s --help does not mention it)" % (
                spec.name, flag, os.path.basename(program[-1])))
    return words + list(spec.required) + [f for f in spec.optional if mentioned(f)]


# --- Servers under test. -------------------------------------------------------------------------

class Server:
    """One server process (and whatever it spawned) for one run."""

    def __init__(self, name, command, log_path):
        self.name = name
        self.command = command
        self.log_path = log_path
        self.proc = None
        self.pids = []      # the process tree, found once it listens (a launcher script included)
        self.address = None
        self.failure = None  # why it can no longer be measured

    def start(self):
        with open(self.log_path, "w") as f:
            # Its own session, so stopping it reaches a child a launcher script did not exec.
            self.proc = subprocess.Popen(self.command, cwd=REPO, stdin=subprocess.DEVNULL,
                                         stdout=f, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + SERVER_START_S
        while True:
            with open(self.log_path, errors="replace") as f:
                match = re.search(r"listening on (\S+)", f.read())
            if match:
                address = match.group(1)
                self.address = address if ":" in address else "127.0.0.1:" + address
                self.pids = process_tree(self.proc.pid)
                return
            if self.proc.poll() is not None:
                self.failure = "exited with status %d before listening: %s" % (
                    self.proc.returncode, tail(self.log_path))
                return
            if time.monotonic() > deadline:
                self.stop()
                self.failure = "not listening after %d s: %s" % (SERVER_START_S,
                                                                  tail(self.log_path))
                return
            time.sleep(0.05)

    def check_alive(self):
        if self.failure is None and self.proc.poll() is not None:
            self.failure = "exited with status %d: %s" % (self.proc.returncode,
                                                          tail(self.log_path))
        return self.failure is None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            self.proc.wait()

    def cpu_ticks(self):
        """utime + stime of every thread of every process of the server, in clock ticks."""
        total = 0
        for pid in self.pids:
            try:
                with open("/proc/%d/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # stat fields 14 and 15
            except (OSError, IndexError):
                pass
        return total

    def rss_kib(self, field="VmRSS"):
        """Resident memory of the server's processes (VmHWM: their peak since reset_peak_rss)."""
        total = 0
        for pid in self.pids:
            try:
                with open("/proc/%d/status" % pid) as f:
                    match = re.search(r"^%s:\s+(\d+) kB" % field, f.read(), re.M)
                total += int(match.group(1)) if match else 0
            except OSError:
                pass
        return total

    def reset_peak_rss(self):
        """Restarts the kernel's peak-RSS count (VmHWM), so a peak between samples is not missed."""
        for pid in self.pids:
            try:
                with open("/proc/%d/clear_refs" % pid, "w") as f:
                    f.write("5")
            except OSError:
                pass


def process_tree(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree = [root]
    for pid in tree:
        tree.extend(children.get(pid, []))
    return tree


# --- One measurement. ----------------------------------------------------------------------------

def measure(loadgen, server, cell, stalled, timing, gen_threads, sample_rss, on_window=None):
    """Runs the generator once against `server`; returns the measurement as a dict.

    on_window, if given, is called with "start" and "end" at the window markers, right after the
    server's CPU is sampled (floor.py starts and stops its profiler there)."""
    conns, window, size = cell
    warmup, duration = timing
    command = [loadgen, "--address=%s" % server.address, "--connections=%d" % conns,
               "--window=%d" % window, "--size=%d" % size, "--warmup=%gs" % warmup,
               "--duration=%gs" % duration, "--threads=%d" % gen_threads,
               "--stalled=%d" % stalled]
    result = {"server": server.name, "cell": list(cell), "stalled": stalled, "command": command,
              "ok": False, "error": None}
    if not server.check_alive():
        result["error"] = "server not running: " + server.failure
        return result
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if limit < conns + stalled + DESCRIPTOR_SLACK:
        result["error"] = "ulimit -n is %d, too low for %d connections" % (limit, conns + stalled)
        return result

    marks = {}
    stderr_lines = []
    stdout_parts = []

    def watch_stderr(stream):
        # The window markers: server CPU is sampled the moment each arrives.
        for line in stream:
            if line.startswith("load_generator: measure start"):
                marks["start"] = server.cpu_ticks()
                if on_window:
                    on_window("start")
            elif line.startswith("load_generator: measure end"):
                marks["end"] = server.cpu_ticks()
                if on_window:
                    on_window("end")
            else:
                stderr_lines.append(line.rstrip())

    if sample_rss:
        server.reset_peak_rss()
    rss_before = server.rss_kib()
    rss_peak = rss_before
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    readers = [threading.Thread(target=watch_stderr, args=(proc.stderr,)),
               threading.Thread(target=lambda: stdout_parts.append(proc.stdout.read()))]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + warmup + duration + GENERATOR_SLACK_S
    while proc.poll() is None:
        if sample_rss:
            rss_peak = max(rss_peak, server.rss_kib())
            if rss_peak - rss_before > MEMORY_CAP_KIB:
                result["error"] = "server RSS grew past %d MiB: stopped there" % (
                    MEMORY_CAP_KIB >> 10)
                proc.kill()
        if time.monotonic() > deadline:
            result["error"] = "load generator still running %d s after its window" % (
                GENERATOR_SLACK_S)
            proc.kill()
        time.sleep(RSS_SAMPLE_S)
    proc.wait()
    for reader in readers:
        reader.join()
    if sample_rss:
        rss_peak = max(rss_peak, server.rss_kib("VmHWM"))
        result.update(rss_before_kib=rss_before, rss_peak_kib=rss_peak,
                      rss_growth_kib=rss_peak - rss_before)
    if result["error"] is None and proc.returncode != 0:
        result["error"] = (stderr_lines[-1] if stderr_lines
                           else "load generator exited with status %d" % proc.returncode)
    if result["error"] is None and not server.check_alive():
        result["error"] = "server " + server.failure
    if result["error"] is not None:
        return result

    gen = json.loads("".join(stdout_parts))
    echoes = gen["echoes"]
    cpu_s = (marks["end"] - marks["start"]) / CLOCK_TICKS
    result.update(
        ok=True, generator=gen, server_cpu_s=cpu_s, msgs_per_s=gen["echoes_per_s"],
        cpu_s_per_m=cpu_s / echoes * 1e6 if echoes else None,
        p50_us=gen["latency_us"]["p50"], p99_us=gen["latency_us"]["p99"],
        p999_us=gen["latency_us"]["p999"],
        # null from the generator: some connection completed no echo in the window (starved).
        max_over_min=(gen["fairness"]["max_over_min"] if gen["fairness"]["min"] else math.inf),
        jain=gen["fairness"]["jain"],
        gen_cpu=gen["generator_cpu_s"] / duration / gen_threads)
    return result


def describe(result):
    if not result["ok"]:
        return "FAILED: " + result["error"]
    text = "%s msgs/s, p99 %s us, server CPU %s s/M msgs" % (
        fmt_rate(result["msgs_per_s"]), fmt_us(result["p99_us"]), fmt_num(result["cpu_s_per_m"]))
    if "rss_growth_kib" in result:
        text += ", RSS +%.1f MiB" % (result["rss_growth_kib"] / 1024)
    return text


def one_run(run, runs, servers, loadgen, timing, gen_threads, out):
    """Starts every server, measures every cell and the memory scenario, stops the servers."""
    live = []
    try:
        for name, command in servers:
            server = Server(name, command, os.path.join(out, "logs", "%s.run%d.log" % (name, run)))
            live.append(server)
            server.start()
            log("[run %d/%d] %s: %s" % (run, runs, name, server.address or server.failure))
        cells, memory = [], []
        for index, cell in enumerate(CELLS):
            for server in rotated(live, index + run):
                result = measure(loadgen, server, cell, 0, timing, gen_threads, False)
                result["run"] = run
                cells.append(result)
                log("[run %d/%d] %s %s: %s" % (run, runs, cell_name(cell), server.name,
                                               describe(result)))
        for server in rotated(live, len(CELLS) + run) if MEMORY else []:
            for stalled in (0, 1):
                result = measure(loadgen, server, MEMORY_CELL, stalled, timing, gen_threads, True)
                result["run"] = run
                memory.append(result)
                log("[run %d/%d] memory %s, %d stalled: %s" % (run, runs, server.name, stalled,
                                                               describe(result)))
        return {"run": run, "cells": cells, "memory": memory,
                "server_addresses": {s.name: s.address for s in live}}
    finally:
        for server in live:
            server.stop()


def rotated(items, k):
    k %= len(items)
    return items[k:] + items[:k]


# --- Summaries. ----------------------------------------------------------------------------------

def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def find(results, run, server, cell=None, stalled=None):
    for r in results:
        if (r["run"] == run and r["server"] == server and r["ok"]
                and (cell is None or tuple(r["cell"]) == cell)
                and (stalled is None or r["stalled"] == stalled)):
            return r
    return None


def summarize(runs, names):
    cells = []
    for cell in CELLS:
        for name in names:
            mine = [find(r["cells"], r["run"], name, cell) for r in runs]
            ok = [m for m in mine if m]
            row = {"cell": list(cell), "server": name, "runs_ok": len(ok), "runs": len(runs)}
            for key in ("msgs_per_s", "cpu_s_per_m", "p50_us", "p99_us", "p999_us",
                        "max_over_min", "jain", "gen_cpu"):
                row[key] = spread([m[key] for m in ok])
            # Ratios within each run (same load, same moment), then their spread over runs.
            base_name = PAIRED_WITH.get(name, BASELINE)
            row["baseline"] = base_name
            base = [find(r["cells"], r["run"], base_name, cell) for r in runs]
            row["baseline_over_peer_msgs"] = spread(
                [b["msgs_per_s"] / m["msgs_per_s"] for b, m in zip(base, mine)
                 if b and m and m["msgs_per_s"]] if name != BASELINE else [])
            row["baseline_over_peer_cpu_per_msg"] = spread(
                [b["cpu_s_per_m"] / m["cpu_s_per_m"] for b, m in zip(base, mine)
                 if b and m and b["cpu_s_per_m"] and m["cpu_s_per_m"]] if name != BASELINE else [])
            cells.append(row)
    memory = []
    for name in names:
        without = [find(r["memory"], r["run"], name, stalled=0) for r in runs]
        with_one = [find(r["memory"], r["run"], name, stalled=1) for r in runs]
        memory.append({
            "server": name,
            "rss_before_kib": spread([m["rss_before_kib"] for m in without if m]),
            "growth_kib_0_stalled": spread([m["rss_growth_kib"] for m in without if m]),
            "growth_kib_1_stalled": spread([m["rss_growth_kib"] for m in with_one if m]),
            "msgs_per_s_0_stalled": spread([m["msgs_per_s"] for m in without if m]),
            "msgs_per_s_1_stalled": spread([m["msgs_per_s"] for m in with_one if m]),
            "throughput_with_over_without": spread(
                [w["msgs_per_s"] / o["msgs_per_s"] for o, w in zip(without, with_one)
                 if o and w and o["msgs_per_s"]]),
            "stalled_dropped_runs": sum(1 for w in with_one
                                        if w and w["generator"]["stalled"]["closed_by_server"]),
            "stalled_dropped_after_s": spread(
                [w["generator"]["stalled"]["first_close_after_s"] for w in with_one if w]),
            "runs_ok_0_stalled": sum(1 for o in without if o),
            "runs_ok_1_stalled": sum(1 for w in with_one if w),
        })
    return {"cells": cells, "memory": memory}


def finite(data):
    """data with infinities (max/min of a starved connection) as null: JSON has no infinity."""
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list):
        return [finite(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data


def fmt_rate(v):
    if v >= 1e6:
        return "%.2fM" % (v / 1e6)
    if v >= 1e3:
        return "%.1fk" % (v / 1e3)
    return "%.0f" % v


def fmt_us(v):
    return "%.0f" % v if v >= 100 else "%.1f" % v if v >= 10 else "%.2f" % v


def fmt_num(v):
    return "%.2f" % v


def fmt_jain(v):
    return "%.3f" % v


def fmt_mib(v):
    return "%.1f" % (v / 1024)


def fmt_pct(v):
    return "%.0f%%" % (100 * v)


def cell_text(s, fmt):
    """median, with (min-max) when several runs contributed."""
    if s is None:
        return "-"
    if s["n"] == 1:
        return fmt(s["median"])
    return "%s (%s-%s)" % (fmt(s["median"]), fmt(s["min"]), fmt(s["max"]))


def markdown(header, settings, summary, failures, skipped, notes):
    lines = ["# framekit echo-server benchmark", "", header, "", settings, ""]
    for name, reason in skipped.items():
        lines.append("- %s skipped: %s" % (name, reason))
    lines += ["- " + note for note in notes]
    if skipped or notes:
        lines.append("")
    lines += [
        "## Throughput, server CPU, latency, fairness",
        "",
        "Cells are connections x window (frames in flight per connection) x payload bytes. "
        "fk/peer msgs/s > 1: framekit moves more messages per second; fk/peer CPU/msg < 1: "
        "framekit spends less server CPU per message (both paired within each run). "
        "Fairness: per-connection echo counts, max/min (inf: a connection got none) and Jain's "
        "index (1 = equal). "
        "gen CPU: the load generator's CPU per thread over the window (near 100%: it may be "
        "the limit).",
        "",
        "| cell | server | msgs/s | fk/peer msgs/s | server CPU s per M msgs | fk/peer CPU/msg "
        "| p50 us | p99 us | p99.9 us | max/min | Jain | gen CPU |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in summary["cells"]:
        ok = row["runs_ok"]
        name = row["server"] + ("" if ok == row["runs"] else " (%d of %d runs ok)" % (ok, row["runs"]))
        if row["baseline"] != BASELINE:
            name += " (fk: %s)" % row["baseline"]
        if ok == 0:
            lines.append("| %s | %s | FAILED | | | | | | | | | |" % (cell_name(row["cell"]), name))
            continue
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            cell_name(row["cell"]), name, cell_text(row["msgs_per_s"], fmt_rate),
            cell_text(row["baseline_over_peer_msgs"], fmt_num),
            cell_text(row["cpu_s_per_m"], fmt_num),
            cell_text(row["baseline_over_peer_cpu_per_msg"], fmt_num),
            cell_text(row["p50_us"], fmt_us), cell_text(row["p99_us"], fmt_us),
            cell_text(row["p999_us"], fmt_us), cell_text(row["max_over_min"], fmt_num),
            cell_text(row["jain"], fmt_jain), cell_text(row["gen_cpu"], fmt_pct)))
    lines += [] if not MEMORY else [
        "",
        "## Memory bound: %s good clients, with 0 and then 1 stalled client" % cell_name(MEMORY_CELL),
        "",
        "The stalled client sends frames as fast as the server takes them and never reads. "
        "Growth: peak RSS (sampled every %d ms, and the kernel's VmHWM) minus RSS just before "
        "the clients connect." % (RSS_SAMPLE_S * 1000),
        "",
        "| server | RSS before MiB | growth MiB, 0 stalled | growth MiB, 1 stalled "
        "| good msgs/s, 0 stalled | good msgs/s, 1 stalled | with/without | stalled client dropped |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in summary["memory"] if MEMORY else []:
        if row["runs_ok_0_stalled"] + row["runs_ok_1_stalled"] == 0:
            lines.append("| %s | FAILED | | | | | | |" % row["server"])
            continue
        dropped = "%d of %d runs" % (row["stalled_dropped_runs"], row["runs_ok_1_stalled"])
        if row["stalled_dropped_after_s"]:
            dropped += ", after %s s" % cell_text(row["stalled_dropped_after_s"], fmt_num)
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            row["server"], cell_text(row["rss_before_kib"], fmt_mib),
            cell_text(row["growth_kib_0_stalled"], fmt_mib),
            cell_text(row["growth_kib_1_stalled"], fmt_mib),
            cell_text(row["msgs_per_s_0_stalled"], fmt_rate),
            cell_text(row["msgs_per_s_1_stalled"], fmt_rate),
            cell_text(row["throughput_with_over_without"], fmt_num), dropped))
    if failures:
        lines += ["", "## Failures", ""]
        lines += ["- run %d, %s, %s%s: %s" % (
            f["run"], f["server"], cell_name(tuple(f["cell"])),
            ", %d stalled" % f["stalled"] if f["stalled"] else "", f["error"]) for f in failures]
    return "\n".join(lines) + "\n"


# --- Main. ---------------------------------------------------------------------------------------

def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        match = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
        if match:
            model = match.group(1).strip()
    return {"date": subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip(),
            "nproc": len(os.sched_getaffinity(0)), "cpu": model, "kernel": os.uname().release}


def parse_cells(parser, text):
    """--cells' CONNECTIONSxWINDOWxPAYLOAD,... as tuples; a parser error when malformed."""
    try:
        cells = [tuple(int(x) for x in c.split("x")) for c in text.split(",")]
    except ValueError:
        cells = []
    if not cells or any(len(c) != 3 or min(c) < 1 for c in cells):
        parser.error("--cells: expected CONNECTIONSxWINDOWxPAYLOAD,..., each >= 1")
    return cells


def raise_descriptor_limit():
    """Children inherit the soft limit: raise it to cover the largest cell (or to the hard limit)."""
    need = max(c[0] for c in CELLS) + 1 + DESCRIPTOR_SLACK
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < need:
            log("warning: ulimit -n hard limit %d is below %d: the largest cell will fail"
                % (hard, need))


def main():
    global SERVERS, CELLS, MEMORY
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None,
                        help="repeat everything this many times (default 1; 3 for the spread)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: %gs warmup and %gs per cell" % QUICK_TIMING)
    parser.add_argument("--out", default="/tmp/framekit_server_bench",
                        help="output directory (default %(default)s)")
    parser.add_argument("--gen-threads", type=int, default=1,
                        help="load generator threads (default %(default)s)")
    parser.add_argument("--servers", default="",
                        help="comma-separated server names (default: %s; also: %s)" % (
                            ",".join(s.name for s in SERVERS if s.default),
                            ",".join(s.name for s in SERVERS if not s.default)))
    parser.add_argument("--cells", default="",
                        help="comma-separated CONNECTIONSxWINDOWxPAYLOAD cells instead of the "
                             "default ones (e.g. 10x2x65536)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the memory scenario (the stalled client)")
    parser.add_argument("--server-threads", type=int, default=2,
                        help="threads of every server: framekit's loops, Asio's, Netty's workers "
                             "(default %(default)s)")
    parser.add_argument("--framecat-ab", default="",
                        help="another framecat binary (e.g. the previous commit's): adds rows "
                             "framekit-ab and uring-ab running it, for an old-vs-new A/B")
    args = parser.parse_args()
    if args.cells:
        CELLS = parse_cells(parser, args.cells)
    MEMORY = not args.no_memory
    if args.servers:
        wanted = args.servers.split(",")
        unknown = [n for n in wanted if n not in [s.name for s in SERVERS]]
        if unknown or BASELINE not in wanted:
            parser.error("--servers: unknown %s, or %s missing" % (unknown, BASELINE))
        SERVERS = [s for s in SERVERS if s.name in wanted]
    else:
        SERVERS = [s for s in SERVERS if s.default]
    ab = os.path.abspath(args.framecat_ab) if args.framecat_ab else ""
    if ab:
        if not os.access(ab, os.X_OK):
            parser.error("--framecat-ab: %s is not an executable" % ab)
        SERVERS = [s for s in SERVERS if s.build != "ab"] + [
            s for s in ALL_SERVERS if s.build == "ab"]
    runs = args.runs if args.runs is not None else 1
    if runs < 1 or args.gen_threads < 1 or args.server_threads < 1:
        parser.error("--runs, --gen-threads and --server-threads must be at least 1")
    SERVERS = [dataclasses.replace(s, command=[
        "--threads=%d" % args.server_threads if w == "--threads=2" else w for w in s.command])
        for s in SERVERS]
    timing = QUICK_TIMING if args.quick else FULL_TIMING
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "logs"), exist_ok=True)
    raise_descriptor_limit()

    skipped, notes = {}, []
    bazel_bin, netty_dir = build(out, skipped)
    loadgen = os.path.join(bazel_bin, "benchmarks/server/load_generator")
    servers = []
    for spec in SERVERS:
        command = None if spec.name in skipped else resolve_command(spec, bazel_bin, netty_dir,
                                                                    skipped, notes, ab)
        if command is not None:
            servers.append((spec.name, command))
    if not any(name == BASELINE for name, _ in servers):
        sys.exit("run.py: %s cannot run: %s" % (BASELINE, skipped.get(BASELINE)))
    for name, reason in skipped.items():
        log("skipping %s: %s" % (name, reason))
    for message in notes:
        log(message)
    for name, command in servers:
        log("%s: %s" % (name, " ".join(command)))

    info = machine()
    header = "%s -- %d CPUs, %s, Linux %s" % (info["date"], info["nproc"], info["cpu"],
                                            info["kernel"])
    settings = ("%d run%s; per cell %gs warmup + %gs measured; load generator: %d thread%s; "
                "servers: %s." % (runs, "" if runs == 1 else "s", timing[0], timing[1],
                                  args.gen_threads, "" if args.gen_threads == 1 else "s",
                                  "; ".join("%s `%s`" % (n, " ".join(c).replace(
                                      bazel_bin, "bazel-bin")) for n, c in servers)))
    all_runs = [one_run(run, runs, servers, loadgen, timing, args.gen_threads, out)
                for run in range(1, runs + 1)]
    names = [name for name, _ in servers]
    summary = summarize(all_runs, names)
    failures = [r for run in all_runs for r in run["cells"] + run["memory"] if not r["ok"]]
    report = markdown(header, settings, summary, failures, skipped, notes)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(report)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(finite({"machine": info, "runs_requested": runs, "quick": args.quick,
                   "warmup_s": timing[0], "duration_s": timing[1],
                   "generator_threads": args.gen_threads,
                   "servers": {n: c for n, c in servers}, "skipped": skipped, "notes": notes,
                   "runs": all_runs, "summary": summary}), f, indent=1)
    print(report, end="")
    log("wrote %s and %s" % (os.path.join(out, "results.md"), os.path.join(out, "results.json")))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Receiving framed messages in asyncio over loopback TCP: framekit.asyncio against
asyncio.StreamReader (readexactly for a length header, readuntil for a delimiter) and against a
pure-Python incremental parser (an asyncio.Protocol with a bytearray and struct.unpack_from).

Every measurement is one receiver process (a fresh Python, asyncio's default loop) fed by one
sender process that writes a pre-encoded stream of whole frames as fast as the socket takes it.
The receiver reads for --seconds after a short warm-up and reports frames/s; each frame is handed
to the benchmark's loop as a bytes object, and one frame in 1024 has its length checked.

    /usr/bin/python3 python/benchmarks/asyncio_bench.py [--runs=3] [--seconds=2]

needs `framekit` importable (PYTHONPATH=<dir holding framekit/ with _framekit.so>, or a venv with
it installed). Prints a Markdown table: median msgs/s with the min-max over the runs, and each
mode's ratio to StreamReader.readexactly measured just before it in the same run (paired).
"""

import argparse
import asyncio
import collections
import os
import socket
import statistics
import struct
import subprocess
import sys
import time

SIZES = [16, 4096]
# (mode, framing, description)
MODES = [
    ("framekit.read_frame", "length", "framekit.asyncio `await reader.read_frame()`, length:width=4"),
    ("framekit.async_for", "length", "framekit.asyncio `async for frame in reader`, length:width=4"),
    ("framekit.read_frames", "length", "framekit.asyncio `await reader.read_frames()` (batch), length:width=4"),
    ("framekit.delimiter", "delimiter", "framekit.asyncio `read_frame()`, delimiter (\\n)"),
    ("streamreader.readexactly", "length", "StreamReader `readexactly(4)` + `readexactly(n)`"),
    ("streamreader.readuntil", "delimiter", "StreamReader `readuntil(b'\\n')`"),
    ("pure_python", "length", "pure-Python Protocol: bytearray + struct.unpack_from, same deque reader"),
]
BASELINE = "streamreader.readexactly"
WARMUP = 0.3
CHECK_EVERY = 1024
PIN = True


def encode_stream(framing, size, target=1 << 20):
    payload = b"x" * size
    frame = struct.pack(">I", size) + payload if framing == "length" else payload + b"\n"
    return frame * max(1, target // len(frame))


# --- sender process ---

def sender(framing, size):
    chunk = encode_stream(framing, size)
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    listener.close()
    try:
        while True:
            conn.sendall(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        conn.close()


# --- receiver process ---

class Meter:
    """Counts frames; says when the measurement is over (checked every CHECK_EVERY frames)."""

    def __init__(self, seconds, size):
        self.seconds = seconds
        self.size = size
        self.count = 0
        self.start = None
        self.end = None

    def check(self, frame, n):
        """Called every CHECK_EVERY frames with one of them; True when done."""
        if len(frame) != self.size:
            raise AssertionError("frame of %d bytes, expected %d" % (len(frame), self.size))
        now = time.perf_counter()
        if self.start is None:
            if now - self.t0 >= WARMUP:
                self.start, self.count = now, n
                self.cpu_start = time.process_time()
            return False
        if now - self.start >= self.seconds:
            self.end = now
            self.cpu_end = time.process_time()
            self.count = n - self.count
            return True
        return False

    def rate(self):
        return self.count / (self.end - self.start)

    def cpu_rate(self):
        """Frames per second of the receiver's own CPU time (user + system): what the receiver
        costs, less disturbed than wall time on a shared machine."""
        return self.count / (self.cpu_end - self.cpu_start)


async def receive_framekit(port, meter, mode):
    import framekit.asyncio as fa
    spec = "delimiter" if mode == "framekit.delimiter" else "length:width=4"
    reader, writer = await fa.open_framed_connection("127.0.0.1", port, spec)
    meter.t0 = time.perf_counter()
    n = 0
    if mode in ("framekit.read_frame", "framekit.delimiter"):
        read_frame = reader.read_frame
        while True:
            frame = await read_frame()
            n += 1
            if n % CHECK_EVERY == 0 and meter.check(frame, n):
                break
    elif mode == "framekit.async_for":
        async for frame in reader:
            n += 1
            if n % CHECK_EVERY == 0 and meter.check(frame, n):
                break
    else:
        read_frames = reader.read_frames
        next_check = CHECK_EVERY
        while True:
            frames = await read_frames()
            for frame in frames:  # each frame handed to the loop, as above
                pass
            n += len(frames)
            if n >= next_check:
                next_check += CHECK_EVERY
                if meter.check(frames[-1], n):
                    break
    writer.close()


async def receive_streamreader(port, meter, mode):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    meter.t0 = time.perf_counter()
    n = 0
    if mode == "streamreader.readexactly":
        readexactly = reader.readexactly
        unpack = struct.Struct(">I").unpack
        while True:
            (length,) = unpack(await readexactly(4))
            frame = await readexactly(length)
            n += 1
            if n % CHECK_EVERY == 0 and meter.check(frame, n):
                break
    else:
        readuntil = reader.readuntil
        while True:
            frame = (await readuntil(b"\n"))[:-1]
            n += 1
            if n % CHECK_EVERY == 0 and meter.check(frame, n):
                break
    writer.close()


class PurePythonProtocol(asyncio.Protocol):
    """A 4-byte big-endian length header, parsed incrementally in Python."""

    def __init__(self, loop):
        self.loop = loop
        self.buffer = bytearray()
        self.frames = collections.deque()
        self.waiter = None
        self.eof = False
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        buf = self.buffer
        buf += data
        pos, end_of_data = 0, len(buf)
        frames = self.frames
        unpack_from = struct.unpack_from
        while end_of_data - pos >= 4:
            (length,) = unpack_from(">I", buf, pos)
            end = pos + 4 + length
            if end > end_of_data:
                break
            frames.append(bytes(buf[pos + 4:end]))
            pos = end
        del buf[:pos]
        if frames and self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def eof_received(self):
        self.eof = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def read_frame(self):
        frames = self.frames
        while not frames:
            if self.eof:
                return None
            self.waiter = self.loop.create_future()
            await self.waiter
        return frames.popleft()


async def receive_pure_python(port, meter):
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_connection(
        lambda: PurePythonProtocol(loop), "127.0.0.1", port)
    meter.t0 = time.perf_counter()
    n = 0
    read_frame = protocol.read_frame
    while True:
        frame = await read_frame()
        n += 1
        if n % CHECK_EVERY == 0 and meter.check(frame, n):
            break
    transport.close()


def receiver(mode, size, port, seconds):
    meter = Meter(seconds, size)
    if mode.startswith("framekit"):
        coro = receive_framekit(port, meter, mode)
    elif mode.startswith("streamreader"):
        coro = receive_streamreader(port, meter, mode)
    else:
        coro = receive_pure_python(port, meter)
    asyncio.run(coro)
    print("%.0f %.0f" % (meter.rate(), meter.cpu_rate()))


# --- driver ---

def placement():
    """(receiver CPU, sender CPU): the first two CPUs this process may use, as
    benchmarks/cpu_pinning.h places the C++ benchmarks' threads. Left to the scheduler, the two
    processes sometimes share a CPU and sometimes not, which alone moves a mode's rate by 1.5x
    between runs of the same code. None with fewer than two CPUs or --pin=false."""
    if not PIN:
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else None


def pinned_to(cpu):
    return None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))


def measure(mode, framing, size, seconds):
    me = os.path.abspath(__file__)
    rx_cpu, tx_cpu = placement() or (None, None)
    send = subprocess.Popen([sys.executable, me, "--sender", framing, str(size)],
                            stdout=subprocess.PIPE, text=True, preexec_fn=pinned_to(tx_cpu))
    try:
        port = send.stdout.readline().strip()
        out = subprocess.run([sys.executable, me, "--receiver", mode, str(size), port,
                              str(seconds)], capture_output=True, text=True, timeout=120,
                             preexec_fn=pinned_to(rx_cpu))
        if out.returncode != 0:
            raise SystemExit("%s %d B failed:\n%s" % (mode, size, out.stderr))
        wall, cpu = out.stdout.split()
        return float(wall), float(cpu)
    finally:
        send.wait(timeout=30)


def fmt_rate(r):
    return "%.2f M" % (r / 1e6) if r >= 1e6 else "%.0f k" % (r / 1e3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--modes", default=",".join(m for m, _, _ in MODES))
    parser.add_argument("--pin", default="true", choices=["true", "false"],
                        help="receiver and sender on the first two CPUs (default true)")
    parser.add_argument("--sender", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--receiver", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sender:
        return sender(args.sender[0], int(args.sender[1]))
    if args.receiver:
        mode, size, port, seconds = args.receiver
        return receiver(mode, int(size), int(port), float(seconds))

    global PIN
    PIN = args.pin == "true"
    where = placement()
    print("placement: %s" % ("receiver on CPU %d, sender on CPU %d" % where if where else
                             "not pinned"), file=sys.stderr, flush=True)
    wanted = args.modes.split(",")
    modes = [m for m in MODES if m[0] in wanted]
    results = {}
    paired = {}  # (mode, size) -> [mode's rate / the baseline's just before it], per measure
    base_mode = next((m for m in MODES if m[0] == BASELINE), None)

    def one(run, mode, framing, size):
        wall, cpu = measure(mode, framing, size, args.seconds)
        results.setdefault((mode, size), []).append((wall, cpu))
        print("run %d  %-26s %5d B  %s msgs/s  %s msgs/CPU-s" %
              (run + 1, mode, size, fmt_rate(wall), fmt_rate(cpu)), file=sys.stderr, flush=True)
        return wall, cpu

    # Every mode is measured right after the baseline (this machine's speed drifts over tens of
    # seconds, by up to 1.5x: a ratio of two runs seconds apart is steadier than a ratio of
    # medians), and the runs are interleaved (every mode once, then again).
    for run in range(args.runs):
        for size in SIZES:
            for mode, framing, _ in modes:
                if mode == BASELINE:
                    continue
                if base_mode is not None and BASELINE in wanted:
                    base = one(run, BASELINE, base_mode[1], size)
                    rate = one(run, mode, framing, size)
                    paired.setdefault((mode, size), []).append(
                        (rate[0] / base[0], rate[1] / base[1]))
                else:
                    one(run, mode, framing, size)
            if not [m for m in modes if m[0] != BASELINE]:
                one(run, BASELINE, base_mode[1], size)

    def ratio_cell(values):
        return "%.1fx (%.1f-%.1f)" % (statistics.median(values), min(values), max(values))

    for title, which in (("msgs/s (wall clock)", 0), ("msgs per CPU-second of the receiver", 1)):
        print("\n%s, median of the runs (min-max); \"paired\": the median (min-max) of each "
              "run's rate over the baseline's measured just before it:\n" % title)
        print("| receiver | " + " | ".join("%d B" % s for s in SIZES) + " | " +
              " | ".join("%d B vs readexactly, paired" % s for s in SIZES) + " |")
        print("|---|" + "---:|" * (2 * len(SIZES)))
        for mode, _, desc in modes:
            cells, ratios = [], []
            for size in SIZES:
                rates = [r[which] for r in results[(mode, size)]]
                med = statistics.median(rates)
                cells.append("%s (%s-%s)" % (fmt_rate(med), fmt_rate(min(rates)),
                                             fmt_rate(max(rates))))
                pairs = paired.get((mode, size))
                ratios.append(ratio_cell([p[which] for p in pairs]) if pairs else
                              ("1x" if mode == BASELINE else "-"))
            print("| %s | %s | %s |" % (desc, " | ".join(cells), " | ".join(ratios)))


if __name__ == "__main__":
    main()

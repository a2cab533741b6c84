#!/usr/bin/env python3
"""framekit.asyncio's read path alone, in one process: the cost of taking a queued frame.

A deque is filled with 16-byte bytes objects and read through the reader's C fast path
(framekit._framekit._FastRead) in loops shaped as asyncio_bench.py's receive_framekit:

  * `await read_frame()` with read_frame = reader.read_frame cached (the benchmark's shape),
  * `await reader.read_frame()` looked up each time (reader a plain Python object holding it),
  * `async for frame in reader`.

No sockets and no decoder: what is left is the interpreter's per-frame work, so the shapes can be
compared (and two builds of the extension, one process after the other) without the noise of a
sender process. Each shape has its own code object, since CPython 3.11 specializes per code
object. Prints frames per CPU-second, the median and min-max over --runs.

    PYTHONPATH=<dir holding framekit/ with _framekit.so> /usr/bin/python3 \
        python/benchmarks/read_path_micro.py [--runs=5] [--frames=2000000]
"""

import argparse
import asyncio
import collections
import statistics
import time

from framekit import _framekit

CHECK_EVERY = 1024

LOOP = """
async def run(arg, frames, check_every, clock):
    {setup}
    n = 0
    t = clock()
    while True:
        frame = await {call}
        n += 1
        if n % check_every == 0 and n >= frames:
            break
    return clock() - t
"""

ASYNC_FOR = """
async def run(reader, frames, check_every, clock):
    n = 0
    t = clock()
    async for frame in reader:
        n += 1
        if n % check_every == 0 and n >= frames:
            break
    return clock() - t
"""


def compile_loop(source, **fields):
    namespace = {}
    exec(source.format(**fields), namespace)  # A fresh code object per shape.
    return namespace["run"]


class Holder:
    """Stands for FrameReader: read_frame is an instance attribute."""


class AsyncIterable:
    def __init__(self, iterator):
        self.iterator = iterator

    def __aiter__(self):
        return self.iterator


async def never_called():
    raise AssertionError("the deque ran empty")


def read_frame_of(fast_read):
    # Older builds made the _FastRead object itself callable.
    return getattr(fast_read, "read_frame", fast_read)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, default=2_000_000)
    args = parser.parse_args()

    queue = collections.deque()
    holder = Holder()
    holder.read_frame = read_frame_of(_framekit._FastRead(queue, never_called))
    shapes = [
        ("`await read_frame()`, cached (the benchmark's)",
         compile_loop(LOOP, setup="read_frame = arg", call="read_frame()"),
         read_frame_of(_framekit._FastRead(queue, never_called))),
        ("`await reader.read_frame()`",
         compile_loop(LOOP, setup="reader = arg", call="reader.read_frame()"), holder),
        ("`async for frame in reader`", compile_loop(ASYNC_FOR),
         AsyncIterable(_framekit._FastRead(queue, never_called))),
    ]
    frame = b"x" * 16
    rates = {name: [] for name, _, _ in shapes}
    for _ in range(args.runs):  # Interleaved: every shape once, then again.
        for name, loop, arg in shapes:
            queue.clear()
            queue.extend([frame] * (args.frames + CHECK_EVERY))
            seconds = asyncio.run(loop(arg, args.frames, CHECK_EVERY, time.process_time))
            rates[name].append(args.frames / seconds)
    for name, _, _ in shapes:
        r = rates[name]
        print("%-48s %6.2f M frames/CPU-s (%.2f-%.2f)" %
              (name, statistics.median(r) / 1e6, min(r) / 1e6, max(r) / 1e6))


if __name__ == "__main__":
    main()

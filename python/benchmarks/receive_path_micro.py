#!/usr/bin/env python3
"""framekit.asyncio's whole receive path in one process, without sockets: the protocol's
buffer_updated (decode into the reader's queue) and then `await read_frame()` for every frame.

Each round copies the next 256 KiB of a pre-encoded stream of length:width=4 frames into the
buffer the protocol's get_buffer() gives (as the event loop's recv_into does), calls
buffer_updated, and reads every frame that read completed, in the loop shape of
asyncio_bench.py. The stream's frame size does not divide the read size, so most reads end
inside a frame, as over a socket.

Without a sender process this is steady enough to compare two builds of the extension (run one
process of each, alternately). Prints frames per CPU-second, the median and min-max over --runs.

    PYTHONPATH=<dir holding framekit/ with _framekit.so> /usr/bin/python3 \
        python/benchmarks/receive_path_micro.py [--runs=5] [--frames=4000000] [--size=16]
"""

import argparse
import asyncio
import statistics
import struct
import time

import framekit.asyncio as fa
from framekit import _framekit

CHECK_EVERY = 1024


class Transport:
    """What the protocol asks of an asyncio transport while receiving."""

    def pause_reading(self):
        raise AssertionError("the reader keeps up: reading never pauses")

    def resume_reading(self):
        pass

    def is_closing(self):
        return False


async def run(protocol, stream, frame_size, frames, clock):
    read_frame = protocol.reader.read_frame
    n = 0
    fed = 0
    offset = 0
    t = clock()
    while n < frames:
        buf = protocol.get_buffer(-1)
        chunk = stream[offset:offset + len(buf)]
        buf[:len(chunk)] = chunk
        offset = (offset + len(chunk)) % len(stream)
        protocol.buffer_updated(len(chunk))
        fed += len(chunk)
        complete = fed // frame_size
        while n < complete:  # the benchmark's loop, for the frames this read completed
            frame = await read_frame()
            n += 1
            if n % CHECK_EVERY == 0 and len(frame) != frame_size - 4:
                raise AssertionError(len(frame))
    return n, clock() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, default=4_000_000)
    parser.add_argument("--size", type=int, default=16)
    args = parser.parse_args()

    frame = struct.pack(">I", args.size) + b"x" * args.size
    # Whole frames, and a length that is no multiple of the read size: reads cut frames anywhere.
    stream = frame * ((3 << 20) // len(frame))
    rates = []
    for _ in range(args.runs):
        loop = asyncio.new_event_loop()
        protocol = fa._FramedProtocol(_framekit.Framer("length:width=4"), loop,
                                      fa.DEFAULT_READ_SIZE, 1 << 62)
        protocol.connection_made(Transport())
        n, seconds = loop.run_until_complete(run(protocol, stream, len(frame), args.frames,
                                                 time.process_time))
        loop.close()
        rates.append(n / seconds)
    print("receive path, %d B frames: %.2f M frames/CPU-s (%.2f-%.2f)" %
          (args.size, statistics.median(rates) / 1e6, min(rates) / 1e6, max(rates) / 1e6))


if __name__ == "__main__":
    main()

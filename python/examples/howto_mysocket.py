#!/usr/bin/env python3
"""The Socket Programming HOWTO's `MySocket` (mysend / myreceive), rewritten with framekit.asyncio.

The HOWTO's version loops over send() until MSGLEN bytes are out and over recv() until MSGLEN bytes
are in, and notes that fixed-length messages are the simplest choice while "indicating how long
they are (much better)" is the one to prefer. With framekit both are a spec string, and the loops
are gone: the decoder reassembles messages however the network splits them, and the writer
sends whole frames.

    HOWTO                                     here
    MSGLEN = 16; mysend(msg); myreceive()     FramedSocket("fixed:size=16")
    (a length header, "much better")          FramedSocket("length:width=4")
    "socket connection broken"                read_frame() is None at a clean end, or raises
                                              framekit.TruncatedStream when cut mid-message

Run it:  python3 python/examples/howto_mysocket.py            (a server and a client, one process)
         python3 python/examples/howto_mysocket.py HOST PORT  (a client of e.g.
             framecat --framer=length:width=4 --listen=127.0.0.1:7000 --echo)
"""

import asyncio
import sys

import framekit.asyncio

MSGLEN = 16


class FramedSocket:
    """The HOWTO's MySocket, with the message boundaries kept by a framer instead of by hand."""

    def __init__(self, spec):
        self.spec = spec
        self.reader = None
        self.writer = None

    async def connect(self, host, port):
        self.reader, self.writer = await framekit.asyncio.open_framed_connection(host, port, self.spec)

    async def mysend(self, msg):
        self.writer.write_frame(msg)  # the whole message, however many send() calls it takes
        await self.writer.drain()

    async def myreceive(self):
        msg = await self.reader.read_frame()  # the whole message, however recv() split it
        if msg is None:
            raise RuntimeError("socket connection broken")
        return msg

    async def close(self):
        self.writer.close()
        await self.writer.wait_closed()


async def echo(reader, writer):
    """The server side: every message back, until the client closes."""
    async for msg in reader:
        writer.write_frame(msg)
    writer.close()


async def talk(host, port, spec, messages):
    sock = FramedSocket(spec)
    await sock.connect(host, port)
    replies = []
    for msg in messages:
        await sock.mysend(msg)
        replies.append(await sock.myreceive())
    await sock.close()
    return replies


async def main(argv):
    fixed = [b"hello".ljust(MSGLEN), b"fixed-length msg"]  # MSGLEN bytes each, as the HOWTO's
    sized = [b"hello", b"a length header says how long: much better", b""]
    if len(argv) == 3:  # a client of someone else's server, with a length header
        for reply in await talk(argv[1], int(argv[2]), "length:width=4", sized):
            print(reply)
        return
    for spec, messages in (("fixed:size=%d" % MSGLEN, fixed), ("length:width=4", sized)):
        server = await framekit.asyncio.start_framed_server(echo, "127.0.0.1", 0, spec)
        port = server.sockets[0].getsockname()[1]
        replies = await talk("127.0.0.1", port, spec, messages)
        assert replies == messages, (replies, messages)
        print("%-15s %s" % (spec, replies))
        server.close()
        await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main(sys.argv))

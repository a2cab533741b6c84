"""framekit.asyncio: interop with the C++ framecat echo server, a Python server, errors, EOF,
flow control."""

import asyncio
import sys

import pytest

import framekit
import framekit.asyncio as fa

SPECS = [
    "delimiter",
    "delimiter:delim=\\r\\n",
    "fixed:size=16,pad=0x20",
    "length:width=4",
    "length:width=2,order=little",
    "length:width=varint",
    "length:width=4,offset=1",
    "ascii:digits=5",
    "netstring",
]


def run(coro, timeout=60):
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(bounded())


def payloads_for(spec, count=300):
    framer = framekit.Framer(spec)
    out = []
    for i in range(count):
        p = bytes([97 + i % 26]) * (i % 17)
        if framer.kind == "fixed":
            p = p[:16].ljust(16, b" ")
        out.append(p)
    return out


@pytest.mark.parametrize("spec", SPECS)
def test_echo_through_cpp_framecat(framecat, spec):
    server = framecat(spec)
    payloads = payloads_for(spec)

    async def main():
        reader, writer = await fa.open_framed_connection("127.0.0.1", server.port, spec)
        for p in payloads[:100]:
            writer.write_frame(p)
        writer.write_frames(payloads[100:])
        await writer.drain()
        got = []
        while len(got) < len(payloads):
            got.append(await reader.read_frame())
        writer.write_eof()
        assert await reader.read_frame() is None  # framecat closes after our half-close
        assert reader.at_eof()
        writer.close()
        await writer.wait_closed()
        return got

    assert run(main()) == payloads


def test_async_for_and_read_frames_through_framecat(framecat):
    spec = "length:width=varint"
    server = framecat(spec)
    payloads = [b"x" * n for n in range(0, 5000, 7)]

    async def main():
        reader, writer = await fa.open_framed_connection("127.0.0.1", server.port, spec)
        writer.write_frames(payloads)
        writer.write_eof()
        got = []
        batch = await reader.read_frames()
        assert batch
        got += batch
        async for frame in reader:
            got.append(frame)
        assert await reader.read_frames() == []
        writer.close()
        return got

    assert run(main()) == payloads


def test_sixteen_mib_frame_through_framecat(framecat):
    spec = "length:width=4,max=16MiB"
    server = framecat(spec, "--max_output_bytes=%d" % (64 << 20))  # default 4 MiB drops us
    payload = bytes(range(256)) * (1 << 16)

    async def main():
        reader, writer = await fa.open_framed_connection("127.0.0.1", server.port, spec)
        writer.write_frame(payload)
        writer.write_frame(b"after")
        await writer.drain()
        first = await reader.read_frame()
        second = await reader.read_frame()
        writer.close()
        return first, second

    first, second = run(main())
    assert first == payload
    assert second == b"after"


async def serve(handler, spec, **kwargs):
    server = await fa.start_framed_server(handler, "127.0.0.1", 0, spec, **kwargs)
    return server, server.sockets[0].getsockname()[1]


async def raw_client(port, data, half_close=True):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    if half_close:
        writer.write_eof()
    await writer.drain()
    return reader, writer


def test_python_server_echo_and_clean_eof():
    spec = "netstring"

    async def handler(reader, writer):
        async for frame in reader:
            writer.write_frame(frame.upper())
        writer.close()

    async def main():
        server, port = await serve(handler, spec)
        reader, writer = await fa.open_framed_connection("127.0.0.1", port, spec)
        for p in (b"hello", b"", b"world"):
            writer.write_frame(p)
        writer.write_eof()
        got = [f async for f in reader]
        writer.close()
        server.close()
        await server.wait_closed()
        return got

    assert run(main()) == [b"HELLO", b"", b"WORLD"]


def served_results(spec, data, **kwargs):
    """Sends raw `data` to a framed server and returns what its handler saw."""
    seen = []

    async def handler(reader, writer):
        while True:
            try:
                frame = await reader.read_frame()
            except framekit.FramingError as e:
                seen.append(e)
                if not e.fatal:
                    continue  # too_long=skip: reading goes on with the next frame
                # A fatal error is raised again by every later call.
                try:
                    await reader.read_frame()
                except framekit.FramingError as again:
                    seen.append(again)
                break
            seen.append(frame)
            if frame is None:
                break
        writer.close()

    async def main():
        server, port = await serve(handler, spec, **kwargs)
        reader, writer = await raw_client(port, data)
        await reader.read()  # until the server closes
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())
    return seen


def test_truncated_stream_at_eof():
    seen = served_results("length:width=4", b"\0\0\0\2hi\0\0\0\5hel")
    assert seen[0] == b"hi"
    assert isinstance(seen[1], framekit.TruncatedStream)
    assert "3 bytes pending" in str(seen[1]) or "pending" in str(seen[1])


def test_malformed_frame_after_good_ones_is_raised_after_them_and_stays():
    seen = served_results("netstring", b"1:a,2:bc,05:hello,1:z,")
    assert seen[:2] == [b"a", b"bc"]
    assert isinstance(seen[2], framekit.MalformedFrame)
    assert seen[2].fatal
    assert isinstance(seen[3], framekit.MalformedFrame)
    assert str(seen[3]) == str(seen[2])


def test_frame_too_long_fatal():
    seen = served_results("length:width=4,max=4", b"\0\0\0\1a\0\0\0\5abcde\0\0\0\1b")
    assert seen[0] == b"a"
    assert isinstance(seen[1], framekit.FrameTooLong)
    assert isinstance(seen[2], framekit.FrameTooLong)


def test_frame_too_long_skip_goes_on_with_the_next_frame():
    seen = served_results("length:width=4,max=4,too_long=skip",
                          b"\0\0\0\1a\0\0\0\5abcde\0\0\0\1b")
    assert seen[0] == b"a"
    assert isinstance(seen[1], framekit.FrameTooLong) and not seen[1].fatal
    assert seen[2:] == [b"b", None]


def test_byte_by_byte_arrival():
    spec = "length:width=varint"
    payloads = [b"p%d" % i * (i % 5) for i in range(50)]
    wire = framekit.Framer(spec).encode_batch(payloads)
    got = []

    async def handler(reader, writer):
        async for frame in reader:
            got.append(frame)
        writer.close()

    async def main():
        server, port = await serve(handler, spec)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sock = writer.get_extra_info("socket")
        import socket as socket_module
        sock.setsockopt(socket_module.IPPROTO_TCP, socket_module.TCP_NODELAY, 1)
        for i in range(len(wire)):
            writer.write(wire[i:i + 1])
            await writer.drain()
            await asyncio.sleep(0)
        writer.write_eof()
        await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())
    assert got == payloads


def test_reading_pauses_above_high_water_and_resumes():
    spec = "fixed:size=1024"
    frames_sent = 4000  # 4 MB, far above a 64 KiB high water
    got = []
    paused_seen = []

    async def handler(reader, writer):
        await asyncio.sleep(0.3)  # let the client's bytes pile up
        protocol = reader._protocol
        paused_seen.append(protocol._paused_reading)
        paused_seen.append(protocol._decoder.buffered_bytes + 1024 * len(protocol._frames))
        async for frame in reader:
            got.append(frame)
        writer.close()

    async def main():
        server, port = await serve(handler, spec, high_water=64 * 1024, read_size=16 * 1024)
        reader, writer = await raw_client(port, b"z" * 1024 * frames_sent)
        await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())
    assert paused_seen[0] is True
    # At most high water plus one read was held while the handler slept.
    assert 64 * 1024 < paused_seen[1] <= 64 * 1024 + 16 * 1024
    assert len(got) == frames_sent


def test_frame_larger_than_high_water_arrives_without_pausing():
    # While the reader waits for a frame larger than high_water, every byte is one it needs:
    # reading must not pause (it would pause and resume once per read).
    spec = "length:width=4,max=4MiB"
    payload = bytes(range(256)) * 4096  # 1 MiB
    pauses = []
    got = []

    async def handler(reader, writer):
        transport = reader._protocol._transport
        pause = transport.pause_reading
        transport.pause_reading = lambda: (pauses.append(1), pause())
        got.append(await reader.read_frame())
        got.append(await reader.read_frame())
        writer.close()

    async def main():
        server, port = await serve(handler, spec, high_water=64 * 1024, read_size=16 * 1024)
        reader, writer = await raw_client(port, framekit.Framer(spec).encode(payload))
        await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())
    assert got == [payload, None]
    assert pauses == []


def test_write_errors_raise_from_write_frame():
    async def main():
        server, port = await serve(lambda r, w: None, "delimiter:max=4")
        reader, writer = await fa.open_framed_connection("127.0.0.1", port, "delimiter:max=4")
        with pytest.raises(framekit.FrameTooLong):
            writer.write_frame(b"toolong")
        with pytest.raises(ValueError):
            writer.write_frame(b"a\nb")
        with pytest.raises(framekit.FrameTooLong, match="payload 1 of 2"):
            writer.write_frames([b"ok", b"toolong"])
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())


def test_handler_exception_closes_the_connection_and_is_reported():
    reported = []

    async def handler(reader, writer):
        await reader.read_frame()
        raise RuntimeError("handler failed")

    async def main():
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: reported.append(ctx))
        server, port = await serve(handler, "netstring")
        reader, writer = await fa.open_framed_connection("127.0.0.1", port, "netstring")
        writer.write_frame(b"x")
        assert await reader.read_frame() is None  # closed by the server
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())
    assert any(isinstance(c.get("exception"), RuntimeError) for c in reported)


def test_unix_socket(tmp_path):
    path = str(tmp_path / "fk.sock")

    async def handler(reader, writer):
        async for frame in reader:
            writer.write_frame(frame[::-1])
        writer.close()

    async def main():
        server = await fa.start_unix_framed_server(handler, path, "length:width=2")
        reader, writer = await fa.open_unix_framed_connection(path, "length:width=2")
        writer.write_frames([b"abc", b"xy"])
        writer.write_eof()
        got = [f async for f in reader]
        writer.close()
        server.close()
        await server.wait_closed()
        return got

    assert run(main()) == [b"cba", b"yx"]


def test_fast_read_awaitable_semantics():
    """The C fast path (_FastRead/_Ready) behaves as the coroutine it replaces."""
    from collections import deque

    from framekit import _framekit

    queue = deque([b"a", b"b"])
    calls = []

    async def slow():
        calls.append(1)
        return None

    read = _framekit._FastRead(queue, slow).read_frame

    async def main():
        assert await read() == b"a"
        assert await read() == b"b"
        assert await read() is None  # empty: the slow coroutine ran
        assert calls == [1]
        queue.append(b"c")
        ready = read()
        assert await ready == b"c"
        with pytest.raises(RuntimeError, match="already awaited"):
            await ready
        # Awaitables held at once stay distinct (the reuse of a finished one must not alias).
        queue.extend([b"p", b"q"])
        first, second = read(), read()
        assert await second == b"q"
        assert await first == b"p"
        # Driven by hand, as a generator-based caller would.
        queue.append((1, 2))  # a tuple must come back whole, not as StopIteration's args
        it = read().__await__()
        with pytest.raises(StopIteration) as stop:
            next(it)
        assert stop.value.value == (1, 2)
        with pytest.raises(TypeError):
            read(1)
        with pytest.raises(TypeError):
            read(timeout=1)
        # As an async iterator.
        queue.extend([b"x", b"y"])

        async def end():
            raise StopAsyncIteration

        assert [f async for f in _framekit._FastRead(queue, end)] == [b"x", b"y"]

    asyncio.run(main())


def test_fast_read_takes_queued_frames_then_the_decoders_and_raises_its_errors():
    """With a decoder, read_frame takes the queue's frames first, then complete frames from the
    decoder; a bad frame raises from read_frame itself (fatal: again on every call; skipped: the
    next read goes on), and so does an exception queued behind frames."""
    from collections import deque

    from framekit import _framekit

    framer = framekit.Framer("length:width=4")
    decoder = framekit.Decoder("length:width=4,max=4,too_long=skip")
    queue = deque([b"q1"])
    slow_calls = []

    async def slow():
        slow_calls.append(1)
        return None

    read = _framekit._FastRead(queue, slow, decoder).read_frame
    wire = bytearray(framer.encode_batch([b"d1", b"toolong", b"d2"]) + b"\0\0")
    decoder.push(wire)
    wire[:] = b"\xee" * len(wire)  # push copied it

    async def main():
        assert await read() == b"q1"
        assert await read() == b"d1"
        with pytest.raises(framekit.FrameTooLong) as info:
            read()  # raised by the call, as a coroutine raises when awaited
        assert not info.value.fatal and info.value.frames == []
        assert await read() == b"d2"
        assert await read() is None and slow_calls == [1]  # 2 header bytes: not complete
        assert decoder.buffered_bytes == 2
        queue.extend([b"q2", framekit.MalformedFrame("queued")])
        assert await read() == b"q2"
        with pytest.raises(framekit.MalformedFrame, match="queued"):
            read()

        fatal = framekit.Decoder("netstring")
        fatal.push(b"1:a,x")
        read_fatal = _framekit._FastRead(deque(), slow, fatal).read_frame
        assert await read_fatal() == b"a"
        for _ in range(2):
            with pytest.raises(framekit.MalformedFrame) as info:
                read_fatal()
            assert info.value.fatal
        with pytest.raises(framekit.MalformedFrame):
            fatal.push(b"1:b,")

    asyncio.run(main())
    with pytest.raises(TypeError, match="framekit.Decoder"):
        _framekit._FastRead(deque(), slow, object())


def test_small_frames_are_refilled_in_place_only_when_nobody_holds_them():
    """read_frame reuses the bytes object of a small frame made two reads earlier when only the
    reader refers to it any more. A frame the caller keeps is never changed, and a reused one
    hashes and compares as its new content."""
    from collections import deque

    from framekit import _framekit

    framer = framekit.Framer("length:width=4")
    payloads = [bytes([65 + i % 26]) * 8 for i in range(200)]  # one size, varying content

    async def slow():
        return None

    async def main():
        decoder = framekit.Decoder(framer)
        decoder.push(framer.encode_batch(payloads))
        read = _framekit._FastRead(deque(), slow, decoder).read_frame
        kept = []
        for i, expected in enumerate(payloads):
            frame = await read()
            assert frame == expected and hash(frame) == hash(expected)
            assert {expected: i}[frame] == i  # a stale cached hash would miss
            if i % 10 == 0:
                kept.append(frame)  # held: must never be refilled
        assert kept == payloads[::10]

        decoder = framekit.Decoder(framer)
        decoder.push(framer.encode_batch(payloads))
        read = _framekit._FastRead(deque(), slow, decoder).read_frame
        held = [await read() for _ in payloads]  # every one held: all distinct objects
        assert held == payloads and len({id(f) for f in held}) == len(payloads)

    asyncio.run(main())


def test_fast_read_pops_through_a_deque_subclass_popleft():
    """The direct C popleft is only for a plain deque's: an override in a subclass still runs."""
    from collections import deque

    from framekit import _framekit

    class Counting(deque):
        popped = 0

        def popleft(self):
            Counting.popped += 1
            return super().popleft().upper()

    async def slow():
        return None

    queue = Counting([b"a", b"b"])
    read = _framekit._FastRead(queue, slow).read_frame

    async def main():
        assert await read() == b"A"
        assert [f async for f in _framekit._FastRead(queue, slow_end)] == [b"B"]
        assert await read() is None

    async def slow_end():
        raise StopAsyncIteration

    asyncio.run(main())
    assert Counting.popped == 2


def test_read_frame_is_a_bound_builtin_method():
    """reader.read_frame is the C method bound to its state (a call CPython 3.11+ specializes),
    not a callable object or a coroutine function."""
    import types

    async def main():
        server, port = await serve(lambda r, w: w.close(), "netstring")
        reader, writer = await fa.open_framed_connection("127.0.0.1", port, "netstring")
        assert isinstance(reader.read_frame, types.BuiltinMethodType)
        assert reader.read_frame.__name__ == "read_frame"
        assert await reader.read_frame() is None
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the opcode names are 3.11's")
def test_read_frame_call_is_specialized_on_3_11():
    """The reason read_frame is a METH_FASTCALL method: after warm-up, `await read_frame()` runs
    as PRECALL_NO_KW_BUILTIN_FAST, not through the generic call path."""
    import dis
    from collections import deque

    from framekit import _framekit

    async def slow():
        return None

    async def loop(read_frame, count):
        n = 0
        while True:
            await read_frame()
            n += 1
            if n == count:
                break

    queue = deque([b"x"] * 2000)
    asyncio.run(loop(_framekit._FastRead(queue, slow).read_frame, 2000))
    ops = [i.opname for i in dis.get_instructions(loop, adaptive=True)]
    assert "PRECALL_NO_KW_BUILTIN_FAST" in ops, ops


def test_two_concurrent_readers_are_refused():
    outcome = []

    async def handler(reader, writer):
        first = asyncio.ensure_future(reader.read_frame())
        await asyncio.sleep(0.05)
        try:
            await reader.read_frame()
            outcome.append("second read allowed")
        except RuntimeError as e:
            outcome.append(str(e))
        writer.close()
        first.cancel()

    async def main():
        server, port = await serve(handler, "netstring")
        reader, writer = await fa.open_framed_connection("127.0.0.1", port, "netstring")
        assert await reader.read_frame() is None
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())
    assert len(outcome) == 1 and "already waiting" in outcome[0], outcome


def test_cancelled_read_leaves_the_reader_usable():
    async def main():
        server, port = await serve(lambda r, w: None, "netstring")
        loop = asyncio.get_running_loop()
        got = loop.create_future()

        async def handler(reader, writer):
            try:
                await asyncio.wait_for(reader.read_frame(), 0.05)
                got.set_exception(AssertionError("read_frame did not time out"))
            except asyncio.TimeoutError:
                got.set_result(await reader.read_frame())
            writer.close()

        server.close()
        server, port = await serve(handler, "netstring")
        reader, writer = await fa.open_framed_connection("127.0.0.1", port, "netstring")
        await asyncio.sleep(0.2)
        writer.write_frame(b"late")
        assert await got == b"late"
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())


def test_drain_raises_once_the_peer_is_gone():
    async def handler(reader, writer):
        writer.close()

    async def main():
        server, port = await serve(handler, "netstring")
        reader, writer = await fa.open_framed_connection("127.0.0.1", port, "netstring")
        assert await reader.read_frame() is None  # the server closed
        with pytest.raises(ConnectionError):
            for _ in range(200):  # the first writes may still be accepted by the kernel
                writer.write_frame(b"x" * 1000)
                await writer.drain()
                await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    run(main())

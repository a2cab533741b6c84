"""Framed connections for asyncio: frames in, frames out, decoded by framekit's C++ decoders.

    reader, writer = await framekit.asyncio.open_framed_connection("127.0.0.1", 7000, "netstring")
    writer.write_frame(b"hello")
    await writer.drain()
    frame = await reader.read_frame()      # bytes, or None at a clean end of stream
    async for frame in reader: ...         # until the end of stream
    writer.close(); await writer.wait_closed()

    async def handle(reader, writer):
        async for frame in reader:
            writer.write_frame(frame)
        writer.close()
    server = await framekit.asyncio.start_framed_server(handle, "127.0.0.1", 7000, "netstring")

How it works: a BufferedProtocol receives into one reusable buffer; each read is appended to the
C++ decoder's buffer (one copy) and decoded as the reader reads: read_frame() takes the decoder's
next frame, in C, without suspending. Reading pauses while more than `high_water` bytes received
wait unread (and once the decoder has failed), and resumes once they are read. Writes are encoded
at once (so a refused payload raises from write_frame) and handed to the transport together at
the end of the loop iteration, or when drain() is awaited.

Errors: read_frame() raises framekit.FrameTooLong / MalformedFrame after the frames that preceded
the bad one; a fatal one (every one, unless the spec says too_long=skip) is then raised by every
later call, and the connection is left to the caller to close. At the end of stream, read_frame()
returns None if the stream ended on a frame boundary and raises framekit.TruncatedStream if it
ended inside a frame; a connection reset is raised as the ConnectionError the transport gave.
"""

from __future__ import annotations

import asyncio as _asyncio
import collections
from typing import Any, AsyncIterator, Awaitable, Callable, Deque, Iterable, List, Optional, Union

from . import _framekit

__all__ = [
    "FrameReader",
    "FrameWriter",
    "open_framed_connection",
    "start_framed_server",
    "open_unix_framed_connection",
    "start_unix_framed_server",
]

Spec = Union[str, _framekit.Framer]
Handler = Callable[["FrameReader", "FrameWriter"], Awaitable[Any]]

# Bytes asked for per read (the size of the protocol's reusable receive buffer).
DEFAULT_READ_SIZE = 256 * 1024
# Bytes received and not yet read above which reading pauses.
DEFAULT_HIGH_WATER = 1 << 20
# Encoded bytes queued in the writer above which they go to the transport at once.
_FLUSH_BYTES = 64 * 1024


def _as_framer(spec: Spec) -> _framekit.Framer:
    return spec if isinstance(spec, _framekit.Framer) else _framekit.Framer(spec)


class _FramedProtocol(_asyncio.BufferedProtocol):
    """Receives into one buffer, decodes with a framekit Decoder, queues the frames."""

    def __init__(
        self,
        framer: _framekit.Framer,
        loop: _asyncio.AbstractEventLoop,
        read_size: int,
        high_water: int,
        handler: Optional[Handler] = None,
    ) -> None:
        if read_size <= 0:
            raise ValueError("read_size must be positive")
        if high_water <= 0:
            raise ValueError("high_water must be positive")
        self._loop = loop
        self._framer = framer
        self._decoder = framer.decoder()
        self._buffer = memoryview(bytearray(read_size))
        self._high_water = high_water
        self._handler = handler
        self._task: Optional[_asyncio.Task] = None
        self._transport: Optional[_asyncio.Transport] = None
        # Read side. Received bytes wait in the decoder; `_frames` holds what the slow path
        # decoded ahead: frames, and the error behind them if there was one (read_frame takes them
        # in order, then the decoder's).
        self._frames: Deque[Union[bytes, _framekit.FramingError]] = collections.deque()
        self._waiter: Optional[_asyncio.Future] = None
        self._eof = False
        self._lost_exc: Optional[BaseException] = None
        self._paused_reading = False
        self._finished = False
        # Write side.
        self._paused_writing = False
        self._drain_waiters: Deque[_asyncio.Future] = collections.deque()
        self._closed = loop.create_future()
        self.reader = FrameReader(self)
        self.writer: Optional[FrameWriter] = None

    # --- asyncio.BufferedProtocol ---

    def connection_made(self, transport: _asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self.writer = FrameWriter(self, transport, self._framer)  # type: ignore[arg-type]
        if self._handler is not None:
            result = self._handler(self.reader, self.writer)
            if _asyncio.iscoroutine(result):
                self._task = self._loop.create_task(result)
                self._task.add_done_callback(self._handler_done)

    def _handler_done(self, task: _asyncio.Task) -> None:
        if task.cancelled():
            exc: Optional[BaseException] = None
        else:
            exc = task.exception()
        if exc is not None:
            self._loop.call_exception_handler(
                {
                    "message": "Unhandled exception in framekit.asyncio server handler",
                    "exception": exc,
                    "protocol": self,
                }
            )
            if self._transport is not None:
                self._transport.close()
        self._task = None

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        decoder = self._decoder
        try:
            decoder.push(self._buffer[:nbytes])  # Decoded as the reader reads.
        except _framekit.FramingError:  # The decoder failed earlier: the reader raises it.
            self._pause_reading()
        else:
            # Not while the reader waits: then what is buffered is a frame still incomplete (one
            # larger than high_water, within the framer's maximum), which needs these bytes.
            if decoder.buffered_bytes > self._high_water and self._waiter is None:
                self._pause_reading()
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def eof_received(self) -> bool:
        self._eof = True
        self._wake_reader()
        return True  # Keep the write side open: the peer only half-closed.

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self._eof = True
        if exc is not None:
            self._lost_exc = exc
        self._wake_reader()
        while self._drain_waiters:
            waiter = self._drain_waiters.popleft()
            if not waiter.done():
                if exc is None:
                    waiter.set_result(None)
                else:
                    waiter.set_exception(exc)
        if not self._closed.done():
            self._closed.set_result(None)
        self._transport = None

    def pause_writing(self) -> None:
        self._paused_writing = True

    def resume_writing(self) -> None:
        self._paused_writing = False
        while self._drain_waiters:
            waiter = self._drain_waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    # --- Reading ---

    def _wake_reader(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def _pause_reading(self) -> None:
        if not self._paused_reading and self._transport is not None and not self._eof:
            self._paused_reading = True
            self._transport.pause_reading()

    def _resume_reading(self) -> None:
        if self._paused_reading:
            self._paused_reading = False
            if self._transport is not None and not self._transport.is_closing():
                self._transport.resume_reading()

    def _decode_pending(self) -> None:
        """Every frame complete in the decoder into _frames, and the error behind them if any (to
        be raised in its turn)."""
        try:
            self._decoder.feed_into(self._frames, b"")
        except _framekit.FramingError as e:
            self._frames.append(e)
            if e.fatal:
                self._pause_reading()

    async def _next_frame(self) -> Optional[bytes]:
        """The slow path of read_frame: nothing was queued or complete when it was called."""
        frames = self._frames
        while True:
            if not frames:
                self._decode_pending()
            if frames:
                frame = frames.popleft()
                if isinstance(frame, BaseException):
                    raise frame  # Fatal ones are raised again by every later call.
                return frame
            if self._eof:
                if self._lost_exc is not None:
                    raise self._lost_exc
                self._decoder.finish()  # TruncatedStream if the stream ended inside a frame.
                self._finished = True
                return None
            self._resume_reading()
            if self._waiter is not None:
                raise RuntimeError("read_frame() called while another coroutine is already waiting")
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None


class FrameReader:
    """The receiving half of a framed connection."""

    def __init__(self, protocol: _FramedProtocol) -> None:
        self._protocol = protocol
        self._frames = protocol._frames
        # The fast path in C (see _FastRead in python/src/framekit_module.cc): with a frame queued
        # or complete in the decoder, read_frame() returns an already complete awaitable instead
        # of running a coroutine. A bound C method (one CPython specializes the call of), it
        # shadows the method below, which documents it and behaves the same.
        self.read_frame = _framekit._FastRead(self._frames, protocol._next_frame,
                                              protocol._decoder).read_frame

    async def read_frame(self) -> Optional[bytes]:  # type: ignore[no-redef]
        """The next frame's payload; None at a clean end of stream.

        Raises FrameTooLong / MalformedFrame for bad input (after the frames before it),
        TruncatedStream if the stream ended inside a frame, or the connection's error.

        One difference from a coroutine: with a frame queued, the frame is taken when
        read_frame() is called, not when the result is awaited, so a read_frame() that is never
        awaited loses that frame.
        """
        return await self._protocol._next_frame()  # (The C version is the fast path.)

    async def read_frames(self) -> List[bytes]:
        """Every frame received so far and not yet read (waiting for at least one); [] at a clean
        end of stream. The batch form of read_frame(), for receivers that handle frames in bulk."""
        frames = self._frames
        if not frames:
            self._protocol._decode_pending()
        if not frames or isinstance(frames[0], BaseException):
            first = await self._protocol._next_frame()  # waits, or raises the queued error
            if first is None:
                return []
            frames.appendleft(first)
        # An error can only be last (it is queued after the frames before it, when nothing else
        # was queued): it waits for the next call.
        error = frames.pop() if isinstance(frames[-1], BaseException) else None
        out = list(frames)
        frames.clear()
        if error is not None:
            frames.append(error)
        return out

    def __aiter__(self) -> AsyncIterator[bytes]:
        """`async for frame in reader`: every frame until the end of stream (errors as
        read_frame's)."""
        return _framekit._FastRead(self._frames, self._anext_slow, self._protocol._decoder)

    async def _anext_slow(self) -> bytes:
        frame = await self._protocol._next_frame()
        if frame is None:
            raise StopAsyncIteration
        return frame

    def at_eof(self) -> bool:
        """True once the end of stream has been returned (and no frame is left)."""
        return self._protocol._finished and not self._frames

    @property
    def decoder(self) -> _framekit.Decoder:
        """The connection's decoder (for its counters; do not feed it)."""
        return self._protocol._decoder


class FrameWriter:
    """The sending half of a framed connection.

    write_frame() encodes at once (a payload the framer refuses raises there) and queues the frame;
    queued frames go to the transport in one write at the end of the loop iteration, when
    64 KiB are queued, or when drain() is awaited.
    """

    __slots__ = ("_protocol", "_transport", "_framer", "_encode", "_pending", "_pending_bytes",
                 "_flush_handle", "_loop")

    def __init__(self, protocol: _FramedProtocol, transport: _asyncio.Transport,
                 framer: _framekit.Framer) -> None:
        self._protocol = protocol
        self._transport = transport
        self._framer = framer
        self._encode = framer.encode
        self._pending: List[bytes] = []
        self._pending_bytes = 0
        self._flush_handle: Optional[_asyncio.Handle] = None
        self._loop = protocol._loop

    @property
    def transport(self) -> _asyncio.Transport:
        return self._transport

    @property
    def framer(self) -> _framekit.Framer:
        return self._framer

    def write_frame(self, payload: Union[bytes, bytearray, memoryview]) -> None:
        """Queues one frame carrying `payload`. FrameTooLong over the maximum; ValueError for a
        payload the framer cannot carry (a delimiter inside it)."""
        frame = self._encode(payload)
        self._pending.append(frame)
        self._pending_bytes += len(frame)
        if self._pending_bytes >= _FLUSH_BYTES:
            self._flush()
        elif self._flush_handle is None:
            self._flush_handle = self._loop.call_soon(self._flush)

    def write_frames(self, payloads: Iterable[Union[bytes, bytearray, memoryview]]) -> None:
        """Queues one frame per payload, encoded together (Framer.encode_batch). All or nothing."""
        data = self._framer.encode_batch(payloads)
        if data:
            self._pending.append(data)
            self._pending_bytes += len(data)
            if self._pending_bytes >= _FLUSH_BYTES:
                self._flush()
            elif self._flush_handle is None:
                self._flush_handle = self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        pending = self._pending
        if not pending:
            return
        self._pending = []
        self._pending_bytes = 0
        if self._transport.is_closing():
            return  # As a transport does with writes after close: dropped.
        self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    async def drain(self) -> None:
        """Hands the queued frames to the transport and waits until its buffer is below its high
        watermark. Raises the connection's error if it was lost with one."""
        self._flush()
        protocol = self._protocol
        if protocol._lost_exc is not None:
            raise protocol._lost_exc
        if self._transport.is_closing():
            # As asyncio.StreamWriter: let connection_lost run, then report a lost connection.
            await _asyncio.sleep(0)
            if protocol._lost_exc is not None:
                raise protocol._lost_exc
            if protocol._closed.done():
                raise ConnectionResetError("Connection lost")
            return
        if not protocol._paused_writing:
            return
        waiter = self._loop.create_future()
        protocol._drain_waiters.append(waiter)
        await waiter

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def write_eof(self) -> None:
        """Sends the queued frames, then half-closes (the peer's reader sees the end of stream)."""
        self._flush()
        self._transport.write_eof()

    def close(self) -> None:
        """Sends the queued frames, then closes the connection."""
        self._flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    async def wait_closed(self) -> None:
        """Waits until the connection is closed (connection_lost)."""
        await self._protocol._closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)


def _factory(spec: Spec, read_size: int, high_water: int, handler: Optional[Handler] = None):
    framer = _as_framer(spec)
    loop = _asyncio.get_running_loop()
    return lambda: _FramedProtocol(framer, loop, read_size, high_water, handler)


async def open_framed_connection(
    host: Optional[str] = None,
    port: Optional[int] = None,
    spec: Spec = "delimiter",
    *,
    read_size: int = DEFAULT_READ_SIZE,
    high_water: int = DEFAULT_HIGH_WATER,
    **kwargs: Any,
) -> "tuple[FrameReader, FrameWriter]":
    """Connects over TCP and returns (reader, writer) framing with `spec` (a spec string or a
    Framer). Other keyword arguments go to loop.create_connection (ssl=..., ...)."""
    loop = _asyncio.get_running_loop()
    _, protocol = await loop.create_connection(
        _factory(spec, read_size, high_water), host, port, **kwargs)
    return protocol.reader, protocol.writer


async def start_framed_server(
    handler: Handler,
    host: Optional[str] = None,
    port: Optional[int] = None,
    spec: Spec = "delimiter",
    *,
    read_size: int = DEFAULT_READ_SIZE,
    high_water: int = DEFAULT_HIGH_WATER,
    **kwargs: Any,
) -> _asyncio.AbstractServer:
    """Serves TCP: `handler(reader, writer)` (a coroutine function, as asyncio.start_server's) runs
    as a task per connection. An exception out of it goes to the loop's exception handler and
    closes that connection. Other keyword arguments go to loop.create_server."""
    loop = _asyncio.get_running_loop()
    return await loop.create_server(
        _factory(spec, read_size, high_water, handler), host, port, **kwargs)


async def open_unix_framed_connection(
    path: str,
    spec: Spec = "delimiter",
    *,
    read_size: int = DEFAULT_READ_SIZE,
    high_water: int = DEFAULT_HIGH_WATER,
    **kwargs: Any,
) -> "tuple[FrameReader, FrameWriter]":
    """open_framed_connection over a Unix-domain socket."""
    loop = _asyncio.get_running_loop()
    _, protocol = await loop.create_unix_connection(
        _factory(spec, read_size, high_water), path, **kwargs)
    return protocol.reader, protocol.writer


async def start_unix_framed_server(
    handler: Handler,
    path: str,
    spec: Spec = "delimiter",
    *,
    read_size: int = DEFAULT_READ_SIZE,
    high_water: int = DEFAULT_HIGH_WATER,
    **kwargs: Any,
) -> _asyncio.AbstractServer:
    """start_framed_server on a Unix-domain socket."""
    loop = _asyncio.get_running_loop()
    return await loop.create_unix_server(
        _factory(spec, read_size, high_water, handler), path, **kwargs)

"""framekit: message framing over byte streams (Python bindings of the C++ library).

TCP delivers bytes, not messages. A Framer, chosen by a spec string, encodes payloads into frames;
a Decoder turns a byte stream, split however the network split it, back into those payloads:

    >>> import framekit
    >>> framer = framekit.Framer("length:width=4")
    >>> wire = framer.encode(b"hi") + framer.encode_batch([b"a", b"bc"])
    >>> decoder = framekit.Decoder("length:width=4")
    >>> decoder.feed(wire[:5]), decoder.feed(wire[5:])
    ([], [b'hi', b'a', b'bc'])
    >>> decoder.finish()  # raises TruncatedStream if the stream ended inside a frame

Specs: delimiter, delimiter:delim=\\r\\n, fixed:size=16,pad=0x20, length:width=4,
length:width=2,order=little, length:width=varint, ascii:digits=5, netstring, with max=4MiB and
too_long=skip on any of them (docs/choosing-a-framer.md has the grammar).

Errors subclass ValueError through FramingError: FrameTooLong (a payload over the maximum),
MalformedFrame (a bad header or trailer), TruncatedStream (the stream ended inside a frame).

Codecs turn integer lists into payloads and back: Codec("varint:zigzag=true").encode([1, -1]).

framekit.asyncio has framed connections for asyncio (open_framed_connection,
start_framed_server).
"""

from ._framekit import (
    Codec,
    Decoder,
    FrameTooLong,
    Framer,
    FramingError,
    MalformedFrame,
    TruncatedStream,
)

__all__ = [
    "Codec",
    "Decoder",
    "FrameTooLong",
    "Framer",
    "FramingError",
    "MalformedFrame",
    "TruncatedStream",
]

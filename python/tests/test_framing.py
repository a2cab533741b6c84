"""Framer and Decoder: the C++ tests' golden bytes, splits, errors per the decoder contract."""

import collections
import threading

import pytest

import framekit

# (spec, payloads, wire): the golden encodings of tests/framing/*_framer_test.cc.
GOLDEN = [
    # length_header_framer_test.cc
    ("length:width=4", [b"hi"], bytes.fromhex("000000026869")),
    ("length:width=2,order=little", [b"hi"], bytes.fromhex("02006869")),
    ("length:width=varint", [b"hi"], bytes.fromhex("026869")),
    ("length:width=varint", [b"x" * 300], bytes.fromhex("ac02") + b"x" * 300),
    ("length:width=4,offset=1", [b"hi"], bytes.fromhex("00000000026869")),
    ("length:width=1", [b"hi"], bytes.fromhex("026869")),
    ("length:width=8", [b"hi"], bytes.fromhex("00000000000000026869")),
    ("length:width=8,order=little", [b"hi"], bytes.fromhex("02000000000000006869")),
    ("length:width=4,order=little", [b"hi"], bytes.fromhex("020000006869")),
    ("length:width=2", [b"a" * 258], bytes.fromhex("0102") + b"a" * 258),
    ("length:width=4", [b""], bytes.fromhex("00000000")),
    ("length:width=2,adjust=-2", [b"HELLO, WORLD"], bytes.fromhex("000e") + b"HELLO, WORLD"),
    # netstring_framer_test.cc
    ("netstring", [b"hello"], b"5:hello,"),
    ("netstring", [b"hello world!"], b"12:hello world!,"),
    ("netstring", [b""], b"0:,"),
    ("netstring", [b"a" * 10], b"10:" + b"a" * 10 + b","),
    ("netstring", [b"hello", b"", b"a"], b"5:hello,0:,1:a,"),
    # ascii_length_framer_test.cc
    ("ascii", [b"hello"], b"00005hello"),
    ("ascii:digits=5", [b""], b"00000"),
    ("ascii:digits=1", [b"hello", b""], b"5hello0"),
    ("ascii:digits=3", [b"x" * 123], b"123" + b"x" * 123),
    ("ascii:digits=20,max=1GiB", [b"hi"], b"00000000000000000002hi"),
    # delimiter_framer_test.cc
    ("delimiter:delim=\\r\\n,delim=\\n", [b"a", b"", b"b\rc"], b"a\r\n\r\nb\rc\r\n"),
    ("delimiter:max=4", [b"abcd"], b"abcd\n"),
    ("delimiter", [b""], b"\n"),
    # fixed_length_framer_test.cc
    ("fixed:size=6,pad=0x20", [b"ab"], b"ab    "),
    ("fixed:size=8,pad=0x20", [b"BUY", b"SELL 100", b""], b"BUY     SELL 100        "),
    ("fixed:size=4", [b"abcd"], b"abcd"),
]


def decoded(payloads, spec):
    """What the decoder delivers for `payloads`: fixed frames keep their padding."""
    framer = framekit.Framer(spec)
    if framer.kind == "fixed":
        size = framer.max_payload_size
        return [p.ljust(size, b" ") for p in payloads]
    return payloads


@pytest.mark.parametrize("spec,payloads,wire", GOLDEN)
def test_golden_encoding(spec, payloads, wire):
    framer = framekit.Framer(spec)
    assert b"".join(framer.encode(p) for p in payloads) == wire
    assert framer.encode_batch(payloads) == wire


@pytest.mark.parametrize("spec,payloads,wire", GOLDEN)
def test_golden_decodes_whole_at_every_split_and_byte_by_byte(spec, payloads, wire):
    expected = decoded(payloads, spec)
    decoder = framekit.Decoder(spec)
    assert decoder.feed(wire) == expected
    decoder.finish()
    for cut in range(len(wire) + 1):
        decoder = framekit.Decoder(spec)
        assert decoder.feed(wire[:cut]) + decoder.feed(wire[cut:]) == expected, cut
        decoder.finish()
    decoder = framekit.Decoder(spec)
    got = []
    for i in range(len(wire)):
        got += decoder.feed(wire[i:i + 1])
    assert got == expected
    assert decoder.buffered_bytes == 0
    decoder.finish()


def test_grpc_offset_bytes_are_ignored_by_the_decoder():
    # length_header_framer_test.cc: a compressed-flag of 1 decodes the same.
    wire = bytes([1, 0, 0, 0, 2]) + b"hi" + bytes(5)
    assert framekit.Decoder("length:width=4,offset=1").feed(wire) == [b"hi", b""]


def test_spec_is_canonical_and_framers_compare_by_it():
    framer = framekit.Framer("length")
    assert framer.spec.startswith("length:width=4,order=big")
    assert framer == framekit.Framer(framer.spec)
    assert framer != framekit.Framer("length:width=2")
    assert framer.kind == "length"
    assert framer.max_payload_size == 1 << 20
    assert framekit.Decoder(framer).spec == framer.spec
    assert repr(framer) == "framekit.Framer('%s')" % framer.spec


def test_bytes_like_inputs():
    framer = framekit.Framer("netstring")
    assert framer.encode(bytearray(b"ab")) == b"2:ab,"
    assert framer.encode(memoryview(b"xaby")[1:3]) == b"2:ab,"
    assert framer.encode_batch((bytearray(b"a"), memoryview(b"b"))) == b"1:a,1:b,"
    decoder = framekit.Decoder("netstring")
    assert decoder.feed(bytearray(b"1:a,")) == [b"a"]
    assert decoder.feed(memoryview(b"..1:b,")[2:]) == [b"b"]
    with pytest.raises(TypeError):
        framer.encode("text")
    with pytest.raises(TypeError):
        decoder.feed("1:a,")


def test_bad_spec_is_value_error_naming_the_problem():
    with pytest.raises(ValueError, match="width"):
        framekit.Framer("length:width=3")
    with pytest.raises(ValueError, match="unknown"):
        framekit.Framer("nosuchkind")
    with pytest.raises(ValueError):
        framekit.Decoder("fixed")  # size is required


def test_exception_hierarchy():
    for cls in (framekit.FrameTooLong, framekit.MalformedFrame, framekit.TruncatedStream):
        assert issubclass(cls, framekit.FramingError)
        assert issubclass(cls, ValueError)


# ---- Encoding errors ----

def test_encode_over_max_is_frame_too_long():
    framer = framekit.Framer("netstring:max=16")
    assert framer.encode(b"a" * 16) == b"16:" + b"a" * 16 + b","
    with pytest.raises(framekit.FrameTooLong, match="70000|17") as info:
        framer.encode(b"a" * 17)
    assert info.value.code == "RESOURCE_EXHAUSTED"


def test_encode_batch_is_all_or_nothing_and_names_the_payload():
    framer = framekit.Framer("netstring:max=4")
    with pytest.raises(framekit.FrameTooLong, match="payload 2 of 3"):
        framer.encode_batch([b"a", b"b", b"toolong"])
    assert framer.encode_batch([]) == b""


def test_encode_payload_containing_the_delimiter_is_value_error():
    framer = framekit.Framer("delimiter")
    with pytest.raises(ValueError) as info:
        framer.encode(b"a\nb")
    assert not isinstance(info.value, framekit.FrameTooLong)
    with pytest.raises(ValueError, match="pad"):
        framekit.Framer("fixed:size=4").encode(b"abc")


@pytest.mark.parametrize("spec,payloads,wire", GOLDEN)
def test_feed_into_a_deque_and_a_list_at_every_split(spec, payloads, wire):
    expected = decoded(payloads, spec)
    for queue in (collections.deque(), []):  # the deque's C append, and .append by name
        for cut in range(len(wire) + 1):
            decoder = framekit.Decoder(spec)
            n = decoder.feed_into(queue, wire[:cut]) + decoder.feed_into(queue, wire[cut:])
            assert list(queue) == expected, (type(queue), cut)
            assert n == len(expected)
            decoder.finish()
            queue.clear()


def test_feed_into_reports_payload_bytes_and_rejects_a_non_queue():
    decoder = framekit.Decoder("length:width=4")
    queue = collections.deque([b"earlier"])
    assert decoder.feed_into(queue, framekit.Framer("length").encode_batch([b"ab", b"cde"])) == 2
    assert list(queue) == [b"earlier", b"ab", b"cde"]
    assert decoder.last_feed_payload_bytes == 5
    with pytest.raises(AttributeError):
        decoder.feed_into(object(), b"")


def test_reused_buffer_overwritten_after_each_feed_keeps_every_frame():
    # Frames are decoded in place from the caller's buffer; what is left of a frame that goes on
    # in the next feed must be copied before feed() returns, since the caller refills the buffer
    # (as framekit.asyncio's protocol does with its one receive buffer).
    for spec in ("length:width=4", "length:width=varint", "netstring", "ascii:digits=3",
                 "delimiter", "fixed:size=7,pad=0x20"):
        framer = framekit.Framer(spec)
        payloads = [bytes([65 + i % 26]) * (i % 7) for i in range(500)]
        expected = decoded(payloads, spec)
        wire = framer.encode_batch(payloads)
        for chunk in (1, 3, 10, 64, 1000):
            buf = bytearray(chunk)
            view = memoryview(buf)
            decoder = framekit.Decoder(framer)
            queue = collections.deque()
            got = []
            for i in range(0, len(wire), chunk):
                piece = wire[i:i + chunk]
                buf[:len(piece)] = piece
                got += decoder.feed(view[:len(piece)])
                decoder.feed_into(queue, b"")
                buf[:] = b"\xee" * chunk  # overwrite what the decoder was given
            assert got == expected, (spec, chunk)
            assert not queue
            decoder.finish()


def test_reused_buffer_with_large_feeds_decoded_without_the_gil():
    # Feeds of 64 KiB and more are split with the GIL released, from the caller's buffer.
    framer = framekit.Framer("length:width=4")
    payloads = [i.to_bytes(4, "big") * (1 + i % 5) for i in range(40000)]
    wire = framer.encode_batch(payloads)
    chunk = 70001
    buf = bytearray(chunk)
    decoder = framekit.Decoder(framer)
    queue = collections.deque()
    for i in range(0, len(wire), chunk):
        piece = wire[i:i + chunk]
        buf[:len(piece)] = piece
        decoder.feed_into(queue, memoryview(buf)[:len(piece)])
        buf[:] = b"\xee" * chunk
    assert list(queue) == payloads
    decoder.finish()


def test_feed_into_error_leaves_earlier_frames_in_the_queue():
    decoder = framekit.Decoder("length:width=4,max=8,too_long=skip")
    wire = framekit.Framer("length:width=4").encode_batch([b"ok", b"x" * 9, b"after"])
    queue = collections.deque()
    with pytest.raises(framekit.FrameTooLong) as info:
        decoder.feed_into(queue, wire)
    assert info.value.frames == []
    assert list(queue) == [b"ok"]
    assert decoder.last_feed_payload_bytes == 2
    assert decoder.feed_into(queue, b"") == 1  # the bytes already given, after the skip
    assert list(queue) == [b"ok", b"after"]
    fatal = framekit.Decoder("length:width=4,max=8")
    with pytest.raises(framekit.FrameTooLong):
        fatal.feed_into(queue, wire)
    with pytest.raises(framekit.FrameTooLong):
        fatal.feed_into(queue, b"")


# ---- Decoding errors: the C++ contract (framing/decoder.h) ----

def test_too_long_is_fatal_by_default_and_keeps_earlier_frames():
    decoder = framekit.Decoder("length:width=4,max=8")
    wire = framekit.Framer("length:width=4").encode_batch([b"ok", b"x" * 9, b"after"])
    with pytest.raises(framekit.FrameTooLong) as info:
        decoder.feed(wire)
    err = info.value
    assert err.frames == [b"ok"]
    assert err.fatal
    assert "over the maximum of 8" in str(err)
    assert decoder.failed
    # Refuses all further input with the same error.
    with pytest.raises(framekit.FrameTooLong) as again:
        decoder.feed(b"\0\0\0\1x")
    assert str(again.value) == str(err)
    assert again.value.frames == []
    with pytest.raises(framekit.FrameTooLong):
        decoder.finish()


def test_too_long_detected_from_the_header_before_the_payload_arrives():
    decoder = framekit.Decoder("length:width=4,max=1KiB")
    with pytest.raises(framekit.FrameTooLong, match="4294967295"):
        decoder.feed(b"\xff\xff\xff\xff")  # claims 4 GiB: refused, nothing allocated
    assert decoder.buffered_bytes <= 4


def test_too_long_with_skip_discards_the_frame_and_goes_on():
    decoder = framekit.Decoder("length:width=4,max=8,too_long=skip")
    wire = framekit.Framer("length:width=4").encode_batch([b"ok", b"x" * 9, b"after", b"more"])
    with pytest.raises(framekit.FrameTooLong) as info:
        decoder.feed(wire)
    assert info.value.frames == [b"ok"]
    assert not info.value.fatal
    assert not decoder.failed
    assert decoder.feed(b"") == [b"after", b"more"]  # the bytes already given
    assert decoder.feed(framekit.Framer("length").encode(b"z")) == [b"z"]
    decoder.finish()


def test_skip_byte_by_byte_discards_as_the_bytes_arrive():
    decoder = framekit.Decoder("delimiter:max=4,too_long=skip")
    got, errors = [], 0
    for b in b"ab\nabcdefgh\ncd\n":
        try:
            got += decoder.feed(bytes([b]))
        except framekit.FrameTooLong as e:
            got += e.frames
            errors += 1
    assert got == [b"ab", b"cd"]
    assert errors == 1
    decoder.finish()


@pytest.mark.parametrize("spec,wire,what", [
    ("netstring", b"05:hello,", "leading zero"),
    ("netstring", b"5:hello;", "comma|','"),
    ("netstring", b"x:", "byte .x. in length"),
    ("ascii:digits=3", b"1a3", "digit"),
    ("length:width=varint", b"\xff" * 11, "varint"),
])
def test_malformed_is_fatal(spec, wire, what):
    decoder = framekit.Decoder(spec)
    with pytest.raises(framekit.MalformedFrame, match=what) as info:
        decoder.feed(wire)
    assert info.value.fatal
    assert info.value.code == "INVALID_ARGUMENT"
    assert decoder.failed
    with pytest.raises(framekit.MalformedFrame):
        decoder.feed(b"1:a,")
    with pytest.raises(framekit.MalformedFrame):
        decoder.finish()


def test_malformed_after_good_frames_keeps_them_and_byte_by_byte_too():
    decoder = framekit.Decoder("netstring")
    got = []
    with pytest.raises(framekit.MalformedFrame) as info:
        for b in b"1:a,2:bc,9x":
            got += decoder.feed(bytes([b]))
    assert got == [b"a", b"bc"]
    assert info.value.frames == []


@pytest.mark.parametrize("spec,wire,pending", [
    ("length:width=4", b"\0\0\0\5hel", 7),
    ("length:width=4", b"\0\0", 2),
    ("netstring", b"5:hello", 7),
    ("delimiter", b"no newline", 10),
    ("fixed:size=4", b"abcdef", 2),
])
def test_truncated_stream_on_finish(spec, wire, pending):
    decoder = framekit.Decoder(spec)
    decoder.feed(wire)
    with pytest.raises(framekit.TruncatedStream, match="%d bytes pending" % pending) as info:
        decoder.finish()
    assert info.value.code == "DATA_LOSS"
    assert isinstance(info.value, ValueError)


def test_finish_on_a_frame_boundary():
    decoder = framekit.Decoder("length")
    assert decoder.feed(framekit.Framer("length").encode(b"x")) == [b"x"]
    assert decoder.finish() is None
    assert decoder.stream_offset == 5


# ---- Sizes ----

def test_many_small_feeds():
    framer = framekit.Framer("length:width=varint")
    payloads = [bytes([i % 256]) * (i % 300) for i in range(2000)]
    wire = framer.encode_batch(payloads)
    decoder = framekit.Decoder(framer)
    got = []
    for i in range(len(wire)):
        got += decoder.feed(wire[i:i + 1])
    assert got == payloads
    decoder = framekit.Decoder(framer)
    got = []
    for i in range(0, len(wire), 7):
        got += decoder.feed(wire[i:i + 7])
    assert got == payloads
    decoder.finish()


def test_sixteen_mib_frame():
    spec = "length:width=4,max=16MiB"
    payload = bytes(range(256)) * (1 << 16)
    assert len(payload) == 16 << 20
    wire = framekit.Framer(spec).encode(payload)
    decoder = framekit.Decoder(spec)
    # In 1 MiB pieces (GIL released for each), then whole.
    got = []
    for i in range(0, len(wire), 1 << 20):
        got += decoder.feed(wire[i:i + (1 << 20)])
    assert got == [payload]
    assert framekit.Decoder(spec).feed(wire) == [payload]
    # One byte more than the maximum is refused from the header alone.
    with pytest.raises(framekit.FrameTooLong):
        framekit.Framer(spec).encode(payload + b"x")
    with pytest.raises(framekit.FrameTooLong):
        framekit.Decoder(spec).feed(b"\x01\x00\x00\x01")


def test_large_feed_releases_the_gil():
    # While one thread decodes 64 MiB of small frames, another thread keeps running.
    framer = framekit.Framer("fixed:size=16")
    wire = b"0123456789abcdef" * (4 << 20)
    decoder = framekit.Decoder(framer)
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.0005)

    sys_interval = __import__("sys").getswitchinterval()
    __import__("sys").setswitchinterval(1.0)  # Without a release, the ticker would starve.
    try:
        t = threading.Thread(target=ticker)
        t.start()
        while not ticks:
            pass
        before = len(ticks)
        frames = decoder.feed(wire)
        during = len(ticks) - before
        stop.set()
        t.join()
    finally:
        __import__("sys").setswitchinterval(sys_interval)
    assert len(frames) == 4 << 20
    assert during >= 3, during


def test_concurrent_use_is_refused_not_a_crash():
    decoder = framekit.Decoder("fixed:size=16")
    wire = b"x" * (64 << 20)
    errors = []

    def other():
        try:
            for _ in range(200):
                decoder.feed(b"")
        except RuntimeError as e:
            errors.append(e)

    t = threading.Thread(target=other)
    t.start()
    decoder.feed(wire)
    t.join()
    # Either the other thread hit the busy decoder (RuntimeError) or never overlapped; no crash.
    for e in errors:
        assert "two threads" in str(e)

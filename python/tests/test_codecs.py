"""Codecs by spec: the C++ tests' golden bytes, round trips, strict errors."""

import random

import pytest

import framekit

GOLDEN = [
    ("binary:width=4", [1], "00000001"),
    ("binary:width=2", [0x0102, 0xFFFF], "0102ffff"),
    ("binary", [0x0102030405060708], "0102030405060708"),
    ("binary:width=2,signed=true", [-2, -32768, 32767], "fffe80007fff"),
    ("binary:signed=true", [-(1 << 63)], "8000000000000000"),
    ("ascii", [0, 300, 7], b"0\n300\n7\n".hex()),
    ("ascii", [(1 << 64) - 1], b"18446744073709551615\n".hex()),
    ("ascii:signed=true", [-1, 20, -(1 << 63), (1 << 63) - 1],
     b"-1\n20\n-9223372036854775808\n9223372036854775807\n".hex()),
    ("ascii:sep=|", [1, 2], b"1|2|".hex()),
    ("varint", [300], "ac02"),
    ("varint:zigzag=true", [0, -1, 1, -2, 2], "0001020304"),
    ("varint:zigzag=true", [-64, 64], "7f8001"),
    ("varint:zigzag=true", [(1 << 63) - 1], "feffffffffffffffff01"),
    ("groupvarint", [1, 2, 3, 4], "0001020304"),
    ("groupvarint", [1, 300, 70000, 0xFFFFFFFF], "e4012c01701101ffffffff"),
    ("groupvarint", [5], "0005"),
]


@pytest.mark.parametrize("spec,values,hexed", GOLDEN)
def test_golden(spec, values, hexed):
    codec = framekit.Codec(spec)
    assert codec.encode(values).hex() == hexed
    assert codec.decode(bytes.fromhex(hexed)) == values


@pytest.mark.parametrize("spec", [
    "binary:width=2", "binary:width=4,signed=true", "binary", "binary:signed=true",
    "ascii", "ascii:signed=true", "ascii:sep=\\x2C", "varint", "varint:zigzag=true",
    "groupvarint", "groupvarint:zigzag=true",
])
def test_round_trip(spec):
    codec = framekit.Codec(spec)
    bits = codec.value_bits
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if codec.signed else (0, (1 << bits) - 1)
    rng = random.Random(19)
    values = [lo, hi, 0] + [rng.randint(lo, hi) for _ in range(1000)]
    values += [rng.randint(max(lo, -300), min(hi, 300)) for _ in range(100)]
    encoded = codec.encode(values)
    assert isinstance(encoded, bytes)
    assert codec.decode(encoded) == values
    assert codec.encode([]) == b""
    assert codec.decode(b"") == []
    assert codec.decode(bytearray(encoded)) == values


def test_spec_and_properties():
    codec = framekit.Codec("varint:zigzag=true")
    assert codec.spec == "varint:zigzag=true"
    assert codec.name == "varint"
    assert codec.signed
    assert codec.value_bits == 64
    assert framekit.Codec("binary:width=2").value_bits == 16


def test_values_outside_the_domain_are_refused():
    with pytest.raises(ValueError, match="index 0 \\(-1\\)"):
        framekit.Codec("varint").encode([-1])
    with pytest.raises(ValueError, match="index 1 \\(70000\\)"):
        framekit.Codec("binary:width=2").encode([1, 70000])
    with pytest.raises(ValueError, match="index 0"):
        framekit.Codec("varint:zigzag=true").encode([1 << 63])
    with pytest.raises(ValueError, match="64 bits"):
        framekit.Codec("varint").encode([1 << 64])
    with pytest.raises(ValueError, match="64 bits"):
        framekit.Codec("varint:zigzag=true").encode([-(1 << 63) - 1])
    with pytest.raises(ValueError):
        framekit.Codec("ascii:signed=true").encode([-1, (1 << 64) - 1])
    with pytest.raises(TypeError, match="index 1"):
        framekit.Codec("varint").encode([1, "2"])
    assert framekit.Codec("varint").encode([(1 << 64) - 1]).hex() == "ff" * 9 + "01"


def test_malformed_input_is_refused_with_its_offset():
    with pytest.raises(ValueError, match="truncated"):
        framekit.Codec("varint:zigzag=true").decode(bytes.fromhex("0000000000000080"))
    with pytest.raises(ValueError, match="offset"):
        framekit.Codec("binary:width=4").decode(b"\0\0\0")
    with pytest.raises(ValueError):
        framekit.Codec("ascii").decode(b"007\n")  # leading zero: not canonical
    with pytest.raises(ValueError):
        framekit.Codec("ascii").decode(b"-1\n")


def test_bad_spec():
    with pytest.raises(ValueError, match="valid codecs"):
        framekit.Codec("bin")
    with pytest.raises(ValueError, match="width"):
        framekit.Codec("binary:width=3")

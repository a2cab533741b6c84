#!/usr/bin/env python3
"""Regenerates the seed corpora fuzz/corpus/<target>/ from golden examples.

Each seed is the target's option bytes (see the target's .cc: the first bytes pick the framer or
codec options), then, for framer targets, the CheckFramer prefix (payload count, payloads, split
seed) and a golden wire stream as the raw tail. Run: python3 fuzz/make_seeds.py
"""
import os
import shutil
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def framer_tail(wire, split=7):
    # count=0 payloads, split seed, then the wire bytes decoded as they are.
    return b"\x00" + bytes([split]) + wire


def framer_payloads(payloads, tail=b"", split=3):
    out = bytes([len(payloads)])
    for p in payloads:
        assert len(p) <= 16
        out += b"\x00" + bytes([len(p)]) + p  # how=0: up to 16 bytes, length in one byte.
    return out + bytes([split]) + tail


DELIM_NL = b"\x08\x00\x01\x00"            # delim "\n", default max, fail
DELIM_CRLF_NL = b"\x09\x01\x00\x01\x00\x01\x00"  # delims "\r\n", "\n"
DELIM_SKIP10 = b"\x00\x00\x01\x01\x09\x01"  # delim "\n", max 10, skip
DELIM_NUL = b"\x08\x00\x03\x00"           # delim "\0"
DELIM_RAW = b"\x08\x21ab\x00"            # delim "ab" (raw bytes)

FIXED8_PAD = b"\x10\x08\x20"   # size 8, pad ' '
FIXED5 = b"\x00\x05"           # size 5, no pad

LEN4 = b"\x02\x00"             # width 4 big
LEN_VARINT = b"\x04\x00"
LEN_GRPC = b"\x02\x01\x01"     # offset 1
LEN2_ADJ = b"\x01\x04\x02"     # width 2, adjust -2
LEN2_STRIP0 = b"\x01\x08\x00"  # width 2, strip 0
LEN2_LE = b"\x09\x00"          # width 2 little
LEN4_SKIP10 = b"\x02\x30\x01\x09"  # width 4, max 10, skip

ASCII5 = b"\x04"
ASCII5_SKIP10 = b"\x64\x01\x09"
NET = b"\x00"
NET_SKIP10 = b"\x60\x01\x09"

SEEDS = {
    "delimiter_fuzzer": [
        DELIM_NL + framer_tail(b"hello\nworld\n"),
        DELIM_NL + framer_tail(b"\n\n\n"),
        DELIM_NL + framer_tail(b"no delimiter"),
        DELIM_NL + framer_payloads([b"hello", b"", b"world"]),
        DELIM_CRLF_NL + framer_tail(b"GET /\r\nHost: x\n\n"),
        DELIM_CRLF_NL + framer_payloads([b"a\r", b"b"], b"c\r"),
        DELIM_SKIP10 + framer_tail(b"short\nthis line is far too long\nok\n"),
        DELIM_SKIP10 + framer_payloads([b"0123456789"], b"01234567890\nx\n"),
        DELIM_NUL + framer_tail(b"a\x00b\x00"),
        DELIM_RAW + framer_tail(b"xaby\x61ab"),
    ],
    "fixed_fuzzer": [
        FIXED8_PAD + framer_tail(b"BUY     SELL 100"),
        FIXED8_PAD + framer_payloads([b"BUY", b"SELL 100"]),
        FIXED5 + framer_tail(b"hellowor"),
        FIXED5 + framer_payloads([b"hello", b"hi"]),
    ],
    "length_fuzzer": [
        LEN4 + framer_tail(b"\x00\x00\x00\x02hi"),
        LEN4 + framer_tail(b"\xff\xff\xff\xff"),
        LEN4 + framer_payloads([b"hi", b"", b"HELLO, WORLD"]),
        LEN_VARINT + framer_tail(b"\xac\x02" + b"x" * 300),
        LEN_VARINT + framer_tail(b"\x80\x00"),
        LEN_VARINT + framer_tail(b"\xff" * 11),
        LEN_VARINT + framer_payloads([b"abc"]),
        LEN_GRPC + framer_tail(b"\x00\x00\x00\x00\x02hi"),
        LEN2_ADJ + framer_tail(b"\x00\x0eHELLO, WORLD"),
        LEN2_ADJ + framer_tail(b"\x00\x01"),
        LEN2_STRIP0 + framer_payloads([b"HELLO, WORLD"]),
        LEN2_LE + framer_tail(b"\x02\x00hi"),
        LEN4_SKIP10 + framer_tail(b"\x00\x00\x00\x0bHELLO WORLD\x00\x00\x00\x02ok"),
    ],
    "ascii_length_fuzzer": [
        ASCII5 + framer_tail(b"00005hello"),
        ASCII5 + framer_tail(b"00000"),
        ASCII5 + framer_tail(b"00005hel"),
        ASCII5 + framer_tail(b"0000xhello"),
        ASCII5 + framer_tail(b"+0005hello"),
        ASCII5 + framer_payloads([b"hello", b""]),
        ASCII5_SKIP10 + framer_tail(b"00011hello world00002ok"),
        b"\x80\x14" + framer_tail(b"99999999999999999999"),  # digits=20
    ],
    "netstring_fuzzer": [
        NET + framer_tail(b"5:hello,"),
        NET + framer_tail(b"0:,"),
        NET + framer_tail(b"05:hello,"),
        NET + framer_tail(b"5:hello!"),
        NET + framer_tail(b":,"),
        NET + framer_tail(b"12:hello world!,"),
        NET + framer_tail(b"99999999999999999999:"),
        NET + framer_tail(b"3:abc,3:def,"),
        NET + framer_payloads([b"hello", b""]),
        NET_SKIP10 + framer_tail(b"11:hello world,2:ok,"),
        NET_SKIP10 + framer_tail(b"11:hello worldX"),
    ],
    "spec_fuzzer": [
        b"\x00delimiter",
        b"\x00delimiter:delim=\\r\\n,delim=\\n,max=1024",
        b"\x00delimiter:delim=\\x2C,too_long=skip",
        b"\x00fixed:size=16",
        b"\x00fixed:size=16,pad=0x20",
        b"\x00length:width=4,order=big",
        b"\x00length:width=2,order=little",
        b"\x00length:width=varint",
        b"\x00length:width=4,offset=1,max=4MiB",
        b"\x00length:width=2,adjust=-2,strip=0,too_long=skip",
        b"\x00ascii:digits=5",
        b"\x00netstring",
        b"\x00netstring:max=64KiB",
        b"\x00bogus:x=1",
        b"\x00length:width=3",
        b"\x01# gRPC-style framing\nkind   = length\nwidth  = 4\noffset = 1\nmax    = 4MiB\n",
        b"\x01kind = netstring\n",
        b"\x01kind = delimiter\ndelim = \\r\\n\n",
        b"\x01width = 4\n",
        b"\x02binary:width=4",
        b"\x02binary:width=2,signed=true",
        b"\x02ascii:sep=\\x2C,signed=true",
        b"\x02varint:zigzag=true",
        b"\x02groupvarint",
        b"\x02bin",
        b"\x80netstring:max=10\xff" + framer_tail(b"5:hello,"),
        b"\x80length:width=2,strip=1\xff" + framer_payloads([b"abc"]),
        b"\x81kind = ascii\ndigits = 3\xff" + framer_tail(b"003abc"),
    ],
    "binary_codec_fuzzer": [
        b"\x01\x00" + b"\x00\x00\x00\x01\x00\x00\x01\x02",
        b"\x04\x00" + b"\xff\xfe",
        b"\x02\x13" + b"\x80\x00\x00\x00\x00\x00\x00\x00",
        b"\x01\x00" + b"\x00\x00\x01",
        b"\x03\x00" + b"\x00\x01\x02",
    ],
    "ascii_codec_fuzzer": [
        b"\x00\x20" + b"0\n300\n",
        b"\x05\x20" + b"-7,",
        b"\x00\x00" + b"00\n",
        b"\x01\x00" + b"-0\n",
        b"\x00\x00" + b"18446744073709551615\n",
        b"\x00\x00" + b"18446744073709551616\n",
        b"\x01\x00" + b"-9223372036854775808\n",
        b"\x00\x00" + b"1\n2",
        b"\x00\x00" + b"+1\n \n\n",
        b"\x03-" + b"1-2-",
    ],
    "varint_codec_fuzzer": [
        b"\x00\x00" + b"\xac\x02",
        b"\x00\x00" + b"\x01\xac\x02",
        b"\x00\x00" + b"\x80\x00",
        b"\x00\x00" + b"\xff" * 9 + b"\x01",
        b"\x00\x00" + b"\xff" * 9 + b"\x02",
        b"\x00\x00" + b"\xff" * 10 + b"\x01",
        b"\x01\x10" + b"\x01\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
        b"\x00\x00" + b"\x80",
    ],
    "group_varint_codec_fuzzer": [
        b"\x00\x00" + b"\xe4\x01\x2c\x01\x70\x11\x01\xff\xff\xff\xff",
        b"\x00\x00" + b"\x00\x05",
        b"\x00\x00" + b"\x01\x05\x00",
        b"\x00\x00" + b"\x00\x01\x02\x03\x04",
        b"\x00\x00" + b"\x00",
        b"\x00\x00" + b"\x03\x01\x02",
        b"\x01\x13" + b"\x00\x01\x02\x03\x04\x00\x05",
    ],
}


# Decompressor targets: [max choice (5: 64 KiB, 0: 1 byte)][bytes], the bytes read both as
# compressed input and as data to compress (transform_fuzz_helpers.h).
TEXT = b"hello hello hello, framekit compresses hello " * 4


def varint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def zstd_rle_blocks(count):
    out = b""
    for i in range(count):
        header = (128 << 10 << 3) | (1 << 1) | (1 if i + 1 == count else 0)
        out += header.to_bytes(3, "little") + b"a"
    return out


ZSTD_CLAIM_4GIB = b"\x28\xb5\x2f\xfd\xe0" + (1 << 32).to_bytes(8, "little") + zstd_rle_blocks(4)
ZSTD_NO_SIZE = b"\x28\xb5\x2f\xfd\x00\x38" + zstd_rle_blocks(3)  # 384 KiB, window 128 KiB
ZSTD_RAW_HELLO = b"\x28\xb5\x2f\xfd\x20\x05" + (5 << 3 | 1).to_bytes(3, "little") + b"hello"
SEEDS.update({
    "zstd_transform_fuzzer": [
        b"\x05" + TEXT,
        b"\x05" + ZSTD_RAW_HELLO,
        b"\x00" + ZSTD_RAW_HELLO,
        b"\x05" + ZSTD_CLAIM_4GIB,
        b"\x05" + ZSTD_NO_SIZE,
        b"\x05" + ZSTD_RAW_HELLO + b"!",
    ],
    "lz4_transform_fuzzer": [
        b"\x05" + TEXT,
        b"\x05" + varint(5) + b"\x50hello",
        b"\x05" + varint(12) + b"\x52hel\x03\x00\x20!",  # "hel" then copy, then " !"
        b"\x05" + varint(1 << 32) + b"\x50hello",
        b"\x00" + varint(5) + b"\x50hello",
        b"\x05" + varint(5) + b"\x50hello!",
    ],
    "snappy_transform_fuzzer": [
        b"\x05" + TEXT,
        b"\x05" + varint(5) + b"\x10hello",
        b"\x05" + varint(9) + b"\x08abc\x15\x03",  # "abc" then a 2-byte copy of 6 at offset 3
        b"\x05" + varint(0xFFFFFFFF) + b"\x10hello",
        b"\x00" + varint(5) + b"\x10hello",
        b"\x05" + varint(5) + b"\x10hello!",
    ],
    "deflate_transform_fuzzer": [
        b"\x05" + TEXT,
        b"\x05" + zlib.compress(TEXT),
        b"\x05" + zlib.compress(bytes(1 << 20), 9),  # 1 MiB of zeros in about 1 KiB
        b"\x00" + zlib.compress(b"hello"),
        b"\x05" + zlib.compress(b"hello") + b"!",
        b"\x05" + zlib.compress(b"", 0),
    ],
})


def main():
    for target, seeds in SEEDS.items():
        d = os.path.join(HERE, "corpus", target)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for i, seed in enumerate(seeds):
            with open(os.path.join(d, "seed_%02d" % i), "wb") as f:
                f.write(seed)


if __name__ == "__main__":
    main()

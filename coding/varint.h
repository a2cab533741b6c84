// framekit/coding/varint.h
//
// LEB128 varints (protobuf's base-128 varint): 7 bits per byte, least significant group first, the
// high bit of each byte set when another byte follows. A uint64_t takes 1 to 10 bytes.
//
//   300 = 0b10'0101100  ->  AC 02      (0x2C | 0x80, then 0x02)
//
// Decoding is strict about the bound and lenient about the form, exactly as protobuf's parser:
//   * at most kMaxVarint64Size (10) bytes: a 10th byte with its continuation bit set is refused;
//   * the 10th byte carries only bit 63, so a 10th byte above 0x01 (a value past 64 bits) is
//     refused, never silently truncated;
//   * over-long ("non-canonical") encodings with redundant zero groups, e.g. `80 00` for 0, are
//     ACCEPTED, as protobuf does, so framekit reads every stream a protobuf writer could produce
//     and every stream protobuf itself would read. A caller that must insist on the shortest form
//     compares the decoded length with Varint64Size(value).
//
// This file is the one implementation of the rule. The length framer's varint header (lenient, as
// above) and the `varint` codec (which also refuses over-long forms: it checks the last byte of a
// multi-byte varint is not 00) both use it.
//
// DecodeVarint64 is stateless and restartable: on kNeedMore, call it again on the same bytes plus
// whatever arrived since. It never looks at more than 10 bytes, so rescanning costs O(1), and there
// is no per-byte state to desynchronise when a varint is split across reads (netty #17549).
//
// Example:
//   char buf[kMaxVarint64Size];
//   size_t n = EncodeVarint64(300, buf);            // n == 2, buf = AC 02
//   uint64_t value;
//   size_t length;
//   switch (DecodeVarint64(absl::string_view(buf, n), &value, &length)) {
//     case VarintStatus::kOk:       ...;  // value == 300, length == 2
//     case VarintStatus::kNeedMore: ...;  // every byte so far had its continuation bit set
//     case VarintStatus::kOverflow: ...;  // malformed: over 64 bits or over 10 bytes
//   }
#ifndef FRAMEKIT_CODING_VARINT_H_
#define FRAMEKIT_CODING_VARINT_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace framekit {

// The longest LEB128 encoding of a uint64_t.
inline constexpr size_t kMaxVarint64Size = 10;

enum class VarintStatus {
  kOk,        // A complete varint; *value and *length are set.
  kNeedMore,  // Fewer than 10 bytes, all with the continuation bit: the varint may yet complete.
  kOverflow,  // Malformed: the value needs more than 64 bits or the encoding more than 10 bytes.
};

// The number of bytes EncodeVarint64(value, ...) writes: 1 to 10.
inline size_t Varint64Size(uint64_t value) {
  // 7 bits per byte: ceil(significant bits / 7), one byte for 0. No loop, no branch, and no
  // division: with b = floor(log2(value | 1)), (b * 9 + 73) / 64 equals ceil((b + 1) / 7) for every
  // b in [0, 63] (as protobuf computes it; varint_test checks every b).
  const size_t log2 = 63 - static_cast<size_t>(__builtin_clzll(value | 1));
  return (log2 * 9 + 73) / 64;
}

// Writes the shortest LEB128 encoding of `value` to `out`, which must have room for
// kMaxVarint64Size bytes. Returns the number of bytes written.
inline size_t EncodeVarint64(uint64_t value, char* out) {
  size_t n = 0;
  while (value >= 0x80) {
    out[n++] = static_cast<char>(static_cast<uint8_t>(value) | 0x80);
    value >>= 7;
  }
  out[n++] = static_cast<char>(value);
  return n;
}

// Decodes the varint at the start of `in` (bytes after it are ignored). On kOk sets `*value` and
// `*length` (the bytes it occupies, 1 to 10); otherwise leaves them unchanged.
inline VarintStatus DecodeVarint64(absl::string_view in, uint64_t* value, size_t* length) {
  const size_t limit = in.size() < kMaxVarint64Size ? in.size() : kMaxVarint64Size;
  uint64_t result = 0;
  for (size_t i = 0; i < limit; ++i) {
    const uint8_t byte = static_cast<uint8_t>(in[i]);
    // The 10th byte holds bit 63 only: anything above 1 is a 65th bit or an 11th byte.
    if (i == kMaxVarint64Size - 1 && byte > 1) return VarintStatus::kOverflow;
    result |= uint64_t{byte & 0x7Fu} << (7 * i);
    if (byte < 0x80) {
      *value = result;
      *length = i + 1;
      return VarintStatus::kOk;
    }
  }
  // Only reached with fewer than 10 bytes, all continuing: the 10th byte always decides above.
  return VarintStatus::kNeedMore;
}

// A fast path for decoding many varints: `word` holds the next 8 bytes (little-endian load). If a
// varint ends within them, stores its value and length (1 to 8) and returns true, without a
// branch per byte; returns false when all 8 bytes continue (call DecodeVarint64 then). The form
// is not checked: a caller that refuses over-long encodings checks the last byte itself.
inline bool DecodeVarint64InWord(uint64_t word, uint64_t* value, size_t* length) {
  // Bit 7 of each byte that ends a varint (high bit clear).
  const uint64_t stops = ~word & 0x8080808080808080u;
  if (stops == 0) return false;
  const int last = __builtin_ctzll(stops) >> 3;  // Index of its last byte, 0-7.
  // Keep the bytes up to its last, then gather their 7-bit groups.
  const uint64_t x = word & (stops ^ (stops - 1));
  *value = (x & 0x7F) | ((x >> 1) & (uint64_t{0x7F} << 7)) | ((x >> 2) & (uint64_t{0x7F} << 14)) |
           ((x >> 3) & (uint64_t{0x7F} << 21)) | ((x >> 4) & (uint64_t{0x7F} << 28)) |
           ((x >> 5) & (uint64_t{0x7F} << 35)) | ((x >> 6) & (uint64_t{0x7F} << 42)) |
           ((x >> 7) & (uint64_t{0x7F} << 49));
  *length = static_cast<size_t>(last) + 1;
  return true;
}

}  // namespace framekit

#endif  // FRAMEKIT_CODING_VARINT_H_

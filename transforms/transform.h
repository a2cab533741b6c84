// framekit/transforms/transform.h
//
// A Transform is a reversible payload transformation chosen by spec, today a compressor:
//
//   zstd      zstd:level=3,max=64MiB      Zstandard frame, content size recorded
//   lz4       lz4:level=0,max=64MiB       LZ4 block behind a varint of its decompressed size
//   snappy    snappy:max=64MiB            Snappy's raw format (its own varint length in front)
//   deflate   deflate:level=6,max=64MiB   zlib-wrapped DEFLATE (RFC 1950: header + Adler-32)
//
// The contract every transform keeps:
//   * Immutable and thread-safe; MakeTransform(t.Spec()) rebuilds an equal transform.
//   * Compress and Decompress APPEND to `out` and are all-or-error: on failure `out` holds exactly
//     what it held before (its capacity may have grown).
//   * Decompress is strict and bounded. Output past `max_decompressed_size()` is refused with
//     ResourceExhausted naming the limit, and a frame that CLAIMS more (zstd's content size, the
//     lz4/snappy length prefix) is refused before anything is allocated for it; where the size is
//     not known in advance (deflate, zstd frames without a content size) output is produced in
//     bounded chunks and refused as soon as it would pass max. So a decompression bomb costs at
//     most `max` bytes of output, never what it claims. Malformed, corrupted or truncated input,
//     and bytes after the end of the compressed data, are InvalidArgument naming the transform
//     and what was wrong.
//   * Compress refuses only input its format cannot carry (ResourceExhausted naming the limit).
//
// Example:
//   absl::StatusOr<std::unique_ptr<Transform>> zstd = MakeTransform("zstd:level=3");
//   std::string packed, back;
//   absl::Status s = (*zstd)->Compress("hello hello hello", &packed);
//   if (s.ok()) s = (*zstd)->Decompress(packed, &back);  // back == "hello hello hello"
#ifndef FRAMEKIT_TRANSFORMS_TRANSFORM_H_
#define FRAMEKIT_TRANSFORMS_TRANSFORM_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace framekit {

// The default `max` of every built-in transform: the largest decompressed payload, 64 MiB.
inline constexpr uint64_t kDefaultMaxDecompressedSize = uint64_t{64} << 20;

class Transform {
 public:
  virtual ~Transform() = default;
  Transform(const Transform&) = delete;
  Transform& operator=(const Transform&) = delete;

  // The registered kind name ("zstd").
  virtual absl::string_view name() const = 0;
  // The canonical spec, every key spelled out ("zstd:level=3,max=64MiB").
  virtual std::string Spec() const = 0;
  // The largest output Decompress produces (the `max` key).
  virtual size_t max_decompressed_size() const = 0;

  // Appends the compressed form of `in` to `out`.
  virtual absl::Status Compress(absl::string_view in, std::string* out) const = 0;
  // Appends the decompressed form of `in` to `out`; see the contract above.
  virtual absl::Status Decompress(absl::string_view in, std::string* out) const = 0;

 protected:
  Transform() = default;
};

// Transforms are equal when their canonical specs are.
inline bool operator==(const Transform& a, const Transform& b) { return a.Spec() == b.Spec(); }
inline bool operator!=(const Transform& a, const Transform& b) { return !(a == b); }

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_TRANSFORM_H_

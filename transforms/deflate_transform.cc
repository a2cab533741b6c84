#include "framekit/transforms/deflate_transform.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/spec/spec_values.h"
#include "framekit/transforms/internal/transform_support.h"

namespace framekit {
namespace {

using transforms_internal::Malformed;

// zlib counts in uInt (32 bits): feed it at most this much at a time.
constexpr size_t kMaxStep = size_t{1} << 30;

voidpf ZAlloc(voidpf, uInt items, uInt size) {
  const uint64_t n = uint64_t{items} * size;  // Both 32-bit: cannot overflow 64 bits.
  return transforms_internal::AllocateBytes(static_cast<size_t>(n));
}
void ZFree(voidpf, voidpf p) { transforms_internal::FreeBytes(p); }

z_stream NewStream() {
  z_stream s = {};
  s.zalloc = ZAlloc;
  s.zfree = ZFree;
  s.opaque = Z_NULL;
  return s;
}

// Ends the stream however the function returns.
class InflateGuard {
 public:
  explicit InflateGuard(z_stream* s) : s_(s) {}
  ~InflateGuard() { inflateEnd(s_); }

 private:
  z_stream* s_;
};
class DeflateGuard {
 public:
  explicit DeflateGuard(z_stream* s) : s_(s) {}
  ~DeflateGuard() { deflateEnd(s_); }

 private:
  z_stream* s_;
};

uInt Step(size_t n) { return static_cast<uInt>(std::min(n, kMaxStep)); }

}  // namespace

absl::StatusOr<std::unique_ptr<DeflateTransform>> DeflateTransform::Create(
    DeflateTransformOptions options) {
  if (options.level < 0 || options.level > 9) {
    return absl::InvalidArgumentError(
        absl::StrCat("deflate: level ", options.level, " is out of range: expected 0..9"));
  }
  if (options.max_decompressed_size < 1 || options.max_decompressed_size > (size_t{1} << 40)) {
    return absl::InvalidArgumentError(absl::StrCat("deflate: max ", options.max_decompressed_size,
                                                   " is out of range: expected 1 to 1TiB"));
  }
  return std::unique_ptr<DeflateTransform>(new DeflateTransform(options));
}

std::string DeflateTransform::Spec() const {
  return absl::StrCat("deflate:level=", options_.level,
                      ",max=", FormatSize(options_.max_decompressed_size));
}

absl::Status DeflateTransform::Compress(absl::string_view in, std::string* out) const {
  z_stream s = NewStream();
  if (deflateInit(&s, options_.level) != Z_OK) {
    return absl::ResourceExhaustedError("deflate: cannot allocate a stream");
  }
  DeflateGuard guard(&s);
  const size_t old_size = out->size();
  // deflateBound is exact for one call; past 4 GiB it is summed per step, with room to spare.
  size_t bound = 64;
  for (size_t left = in.size(); left > 0; left -= Step(left)) bound += deflateBound(&s, Step(left));
  out->resize(old_size + bound);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.next_out = reinterpret_cast<Bytef*>(&(*out)[old_size]);
  size_t in_left = in.size();
  size_t out_left = bound;
  int rc;
  do {
    s.avail_in = Step(in_left);
    s.avail_out = Step(out_left);
    const uInt given_in = s.avail_in, given_out = s.avail_out;
    rc = deflate(&s, in_left == s.avail_in ? Z_FINISH : Z_NO_FLUSH);
    in_left -= given_in - s.avail_in;
    out_left -= given_out - s.avail_out;
  } while (rc == Z_OK);
  if (rc != Z_STREAM_END) {
    out->resize(old_size);
    return absl::InternalError(absl::StrCat("deflate: compression failed (zlib ", rc, ")"));
  }
  out->resize(old_size + bound - out_left);
  return absl::OkStatus();
}

absl::Status DeflateTransform::Decompress(absl::string_view in, std::string* out) const {
  const size_t max = options_.max_decompressed_size;
  z_stream s = NewStream();
  if (inflateInit(&s) != Z_OK) {
    return absl::ResourceExhaustedError("deflate: cannot allocate a stream");
  }
  InflateGuard guard(&s);
  transforms_internal::BoundedOutput output(max);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  size_t in_left = in.size();
  for (;;) {
    absl::Span<char> room = output.Room();
    char probe;  // At max: one more byte of output means the stream is over it.
    const bool at_max = room.empty();
    s.next_out = reinterpret_cast<Bytef*>(at_max ? &probe : room.data());
    s.avail_out = at_max ? 1 : Step(room.size());
    const uInt given_out = s.avail_out;
    s.avail_in = Step(in_left);
    const uInt given_in = s.avail_in;
    const int rc = inflate(&s, Z_NO_FLUSH);
    in_left -= given_in - s.avail_in;
    const size_t produced = given_out - s.avail_out;
    if (rc == Z_NEED_DICT) return Malformed("deflate", "needs a preset dictionary");
    if (rc == Z_DATA_ERROR) {
      return Malformed("deflate", absl::StrCat(s.msg != nullptr ? s.msg : "corrupted stream",
                                               " (at input byte ", in.size() - in_left, ")"));
    }
    if (rc == Z_MEM_ERROR) return absl::ResourceExhaustedError("deflate: out of memory");
    if (at_max && produced != 0) return transforms_internal::OutputOverMax("deflate", max);
    output.Commit(produced);
    if (rc == Z_STREAM_END) break;
    if (in_left == 0 && s.avail_out != 0) {  // Wants input, has none.
      return Malformed("deflate", in.empty() ? "empty input" : "truncated stream");
    }
  }
  if (in_left != 0) {
    return Malformed("deflate", absl::StrCat(in_left,
                                             " bytes after the end of the stream at byte "
                                             "offset ",
                                             in.size() - in_left));
  }
  output.AppendTo(out);
  return absl::OkStatus();
}

TransformKind DeflateTransformKind() {
  TransformKind kind;
  kind.name = "deflate";
  kind.summary = "DEFLATE in the zlib wrapper (RFC 1950), Adler-32 checked";
  kind.keys = {{"level", "0 (stored) .. 9 (smallest); default 6"},
               {"max", std::string(transforms_internal::kMaxHelp)}};
  kind.factory =
      [](const TransformSettings& settings) -> absl::StatusOr<std::unique_ptr<Transform>> {
    DeflateTransformOptions options;
    absl::StatusOr<uint64_t> level = settings.GetUnsigned("level", 6, 0, 9);
    if (!level.ok()) return level.status();
    options.level = static_cast<int>(*level);
    absl::StatusOr<size_t> max = transforms_internal::GetMax(settings);
    if (!max.ok()) return max.status();
    options.max_decompressed_size = *max;
    absl::StatusOr<std::unique_ptr<DeflateTransform>> t = DeflateTransform::Create(options);
    if (!t.ok()) return t.status();
    return std::unique_ptr<Transform>(*std::move(t));
  };
  return kind;
}

}  // namespace framekit

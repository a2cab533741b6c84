#include "framekit/transforms/zstd_transform.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_createDCtx_advanced: contexts on our allocator.
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/spec/spec_values.h"
#include "framekit/transforms/internal/transform_support.h"

namespace framekit {
namespace {

using transforms_internal::Malformed;

constexpr int kMinFastLevel = -7;

void* ZstdAlloc(void*, size_t n) { return transforms_internal::AllocateBytes(n); }
void ZstdFree(void*, void* p) { transforms_internal::FreeBytes(p); }
constexpr ZSTD_customMem kMem = {ZstdAlloc, ZstdFree, nullptr};

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// One context of each kind per thread, reset before each use: creating one costs more than
// compressing a small payload.
ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx_advanced(kMem));
  if (cctx != nullptr) ZSTD_CCtx_reset(cctx.get(), ZSTD_reset_session_and_parameters);
  return cctx.get();
}
ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx_advanced(kMem));
  if (dctx != nullptr) ZSTD_DCtx_reset(dctx.get(), ZSTD_reset_session_and_parameters);
  return dctx.get();
}

// The streaming decoder holds a window plus two blocks; the largest window whose buffers stay
// below max (at least zstd's minimum, 1 KiB).
int WindowLogFor(size_t max) {
  int log = ZSTD_WINDOWLOG_MIN;
  while (log < ZSTD_WINDOWLOG_MAX_64) {
    const uint64_t window = uint64_t{1} << (log + 1);
    const uint64_t buffers = window + 2 * std::min<uint64_t>(window, ZSTD_BLOCKSIZE_MAX) + 256;
    if (buffers >= max) break;
    ++log;
  }
  return log;
}

absl::Status ZstdError(size_t code, size_t max) {
  if (ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "zstd: the frame's window needs more memory than max=", FormatSize(max), " allows"));
  }
  return Malformed("zstd", ZSTD_getErrorName(code));
}

absl::Status NoContext() { return absl::ResourceExhaustedError("zstd: cannot allocate a context"); }

}  // namespace

ZstdTransform::ZstdTransform(ZstdTransformOptions options)
    : options_(options), window_log_max_(WindowLogFor(options.max_decompressed_size)) {}

absl::StatusOr<std::unique_ptr<ZstdTransform>> ZstdTransform::Create(ZstdTransformOptions options) {
  if (options.level == 0 || options.level < kMinFastLevel || options.level > ZSTD_maxCLevel()) {
    return absl::InvalidArgumentError(absl::StrCat("zstd: level ", options.level,
                                                   " is out of range: expected ", kMinFastLevel,
                                                   "..-1 or 1..", ZSTD_maxCLevel()));
  }
  if (options.max_decompressed_size < 1 || options.max_decompressed_size > (size_t{1} << 40)) {
    return absl::InvalidArgumentError(absl::StrCat("zstd: max ", options.max_decompressed_size,
                                                   " is out of range: expected 1 to 1TiB"));
  }
  return std::unique_ptr<ZstdTransform>(new ZstdTransform(options));
}

std::string ZstdTransform::Spec() const {
  return absl::StrCat("zstd:level=", options_.level,
                      ",max=", FormatSize(options_.max_decompressed_size));
}

absl::Status ZstdTransform::Compress(absl::string_view in, std::string* out) const {
  ZSTD_CCtx* cctx = ThreadCCtx();
  if (cctx == nullptr) return NoContext();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, options_.level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);  // So corruption is refused, not decoded.
  const size_t old_size = out->size();
  out->resize(old_size + ZSTD_compressBound(in.size()));
  const size_t n =
      ZSTD_compress2(cctx, &(*out)[old_size], out->size() - old_size, in.data(), in.size());
  if (ZSTD_isError(n)) {
    out->resize(old_size);
    return absl::InternalError(absl::StrCat("zstd: compression failed: ", ZSTD_getErrorName(n)));
  }
  out->resize(old_size + n);
  return absl::OkStatus();
}

absl::Status ZstdTransform::Decompress(absl::string_view in, std::string* out) const {
  const size_t max = options_.max_decompressed_size;
  if (in.empty()) return Malformed("zstd", "empty input (a frame has at least a header)");
  // Only the current frame format: libzstd also decodes legacy (v0.x) and skippable frames, and
  // its legacy decoders size their buffers from the frame, ignoring windowLogMax (a 9-byte v0.7
  // frame made it allocate 40 MiB whatever max said).
  static constexpr char kMagic[4] = {'\x28', '\xB5', '\x2F', '\xFD'};  // ZSTD_MAGICNUMBER, LE
  if (in.size() < 4 || std::memcmp(in.data(), kMagic, 4) != 0) {
    return Malformed(
        "zstd", in.size() < 4 ? "truncated frame header" : "not a zstd frame (bad magic number)");
  }
  const unsigned long long claimed = ZSTD_getFrameContentSize(in.data(), in.size());
  if (claimed == ZSTD_CONTENTSIZE_ERROR) {
    return Malformed("zstd", in.size() < 4 ? "truncated frame header"
                                           : "not a zstd frame (bad magic number or header)");
  }
  if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed > max) {
    return transforms_internal::OverMax("zstd", "the frame claims", claimed, max);
  }
  const size_t frame_size = ZSTD_findFrameCompressedSize(in.data(), in.size());
  if (ZSTD_isError(frame_size)) return ZstdError(frame_size, max);
  if (frame_size != in.size()) {
    return Malformed("zstd",
                     absl::StrCat(in.size() - frame_size,
                                  " bytes after the end of the frame at byte offset ", frame_size));
  }
  if (claimed == ZSTD_CONTENTSIZE_UNKNOWN) return DecompressStreaming(in, out);

  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr) return NoContext();
  const size_t old_size = out->size();
  out->resize(old_size + claimed);
  const size_t n = ZSTD_decompressDCtx(dctx, &(*out)[old_size], claimed, in.data(), in.size());
  if (ZSTD_isError(n) || n != claimed) {
    out->resize(old_size);
    if (ZSTD_isError(n)) return ZstdError(n, max);
    return Malformed("zstd", absl::StrCat("the frame claims ", claimed, " bytes but holds ", n));
  }
  return absl::OkStatus();
}

absl::Status ZstdTransform::DecompressStreaming(absl::string_view frame, std::string* out) const {
  const size_t max = options_.max_decompressed_size;
  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr) return NoContext();
  ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, window_log_max_);
  transforms_internal::BoundedOutput output(max);
  ZSTD_inBuffer input = {frame.data(), frame.size(), 0};
  for (;;) {
    absl::Span<char> room = output.Room();
    char probe;  // At max: one more byte of output means the frame is over it.
    ZSTD_outBuffer sink =
        room.empty() ? ZSTD_outBuffer{&probe, 1, 0} : ZSTD_outBuffer{room.data(), room.size(), 0};
    const size_t left = ZSTD_decompressStream(dctx, &sink, &input);
    if (ZSTD_isError(left)) return ZstdError(left, max);
    if (room.empty() && sink.pos != 0) return transforms_internal::OutputOverMax("zstd", max);
    output.Commit(sink.pos);
    if (left == 0) break;  // The frame is complete and flushed.
    if (input.pos == input.size && sink.pos < sink.size) {
      return Malformed("zstd", "truncated frame");
    }
  }
  output.AppendTo(out);
  return absl::OkStatus();
}

TransformKind ZstdTransformKind() {
  TransformKind kind;
  kind.name = "zstd";
  kind.summary = "Zstandard, one frame a payload, content size recorded";
  kind.keys = {{"level", "compression level: -7..-1 (fast) or 1..22; default 3"},
               {"max", std::string(transforms_internal::kMaxHelp)}};
  kind.factory =
      [](const TransformSettings& settings) -> absl::StatusOr<std::unique_ptr<Transform>> {
    ZstdTransformOptions options;
    absl::StatusOr<int64_t> level = settings.GetSigned("level", 3);
    if (!level.ok()) return level.status();
    if (*level == 0 || *level < kMinFastLevel || *level > ZSTD_maxCLevel()) {
      return settings.BadValue(
          "level", absl::StrCat("expected ", kMinFastLevel, "..-1 or 1..", ZSTD_maxCLevel()));
    }
    options.level = static_cast<int>(*level);
    absl::StatusOr<size_t> max = transforms_internal::GetMax(settings);
    if (!max.ok()) return max.status();
    options.max_decompressed_size = *max;
    absl::StatusOr<std::unique_ptr<ZstdTransform>> t = ZstdTransform::Create(options);
    if (!t.ok()) return t.status();
    return std::unique_ptr<Transform>(*std::move(t));
  };
  return kind;
}

}  // namespace framekit

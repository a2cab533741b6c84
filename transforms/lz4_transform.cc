#include "framekit/transforms/lz4_transform.h"

#include <lz4.h>
#include <lz4hc.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/coding/varint.h"
#include "framekit/spec/spec_values.h"
#include "framekit/transforms/internal/transform_support.h"

namespace framekit {
namespace {

using transforms_internal::Malformed;

// Each byte of an LZ4 block yields at most 255 bytes (a match-length byte of 255); a little slack
// for the token and offset of a short block.
constexpr uint64_t kMaxExpansion = 255;
constexpr uint64_t kExpansionSlack = 64;

bool ValidLevel(int64_t level) {
  return level == 0 || (level >= LZ4HC_CLEVEL_MIN && level <= LZ4HC_CLEVEL_MAX);
}

std::string LevelRange() {
  return absl::StrCat("expected 0 (fast) or ", LZ4HC_CLEVEL_MIN, "..", LZ4HC_CLEVEL_MAX, " (HC)");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Lz4Transform>> Lz4Transform::Create(Lz4TransformOptions options) {
  if (!ValidLevel(options.level)) {
    return absl::InvalidArgumentError(
        absl::StrCat("lz4: level ", options.level, " is out of range: ", LevelRange()));
  }
  if (options.max_decompressed_size < 1 || options.max_decompressed_size > (size_t{1} << 40)) {
    return absl::InvalidArgumentError(absl::StrCat("lz4: max ", options.max_decompressed_size,
                                                   " is out of range: expected 1 to 1TiB"));
  }
  return std::unique_ptr<Lz4Transform>(new Lz4Transform(options));
}

std::string Lz4Transform::Spec() const {
  return absl::StrCat("lz4:level=", options_.level,
                      ",max=", FormatSize(options_.max_decompressed_size));
}

absl::Status Lz4Transform::Compress(absl::string_view in, std::string* out) const {
  if (in.size() > LZ4_MAX_INPUT_SIZE) {
    return absl::ResourceExhaustedError(absl::StrCat("lz4: input of ", in.size(),
                                                     " bytes is over the block format's limit of ",
                                                     LZ4_MAX_INPUT_SIZE));
  }
  const size_t old_size = out->size();
  const int bound = LZ4_compressBound(static_cast<int>(in.size()));
  out->resize(old_size + kMaxVarint64Size + bound);
  char* p = &(*out)[old_size];
  const size_t prefix = EncodeVarint64(in.size(), p);
  const int src_size = static_cast<int>(in.size());
  const int n = options_.level == 0
                    ? LZ4_compress_default(in.data(), p + prefix, src_size, bound)
                    : LZ4_compress_HC(in.data(), p + prefix, src_size, bound, options_.level);
  if (n <= 0 && !in.empty()) {
    out->resize(old_size);
    return absl::InternalError("lz4: compression failed");
  }
  out->resize(old_size + prefix + n);
  return absl::OkStatus();
}

absl::Status Lz4Transform::Decompress(absl::string_view in, std::string* out) const {
  const size_t max = options_.max_decompressed_size;
  uint64_t size;
  size_t prefix;
  switch (DecodeVarint64(in, &size, &prefix)) {
    case VarintStatus::kOk:
      break;
    case VarintStatus::kNeedMore:
      return Malformed("lz4", "truncated size prefix");
    case VarintStatus::kOverflow:
      return Malformed("lz4", "size prefix over 64 bits");
  }
  if (prefix != Varint64Size(size)) {
    return Malformed("lz4", "size prefix not in its shortest form");
  }
  if (size > max) return transforms_internal::OverMax("lz4", "the block claims", size, max);
  const absl::string_view block = in.substr(prefix);
  if (size > kMaxExpansion * block.size() + kExpansionSlack) {
    return Malformed("lz4", absl::StrCat("a block of ", block.size(), " bytes cannot expand to ",
                                         size, " (LZ4 expands at most ", kMaxExpansion, "x)"));
  }
  if (block.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return Malformed("lz4", "block over LZ4_MAX_INPUT_SIZE");
  }
  const size_t old_size = out->size();
  out->resize(old_size + size);
  const int n = LZ4_decompress_safe(block.data(), &(*out)[old_size], static_cast<int>(block.size()),
                                    static_cast<int>(size));
  if (n < 0 || static_cast<uint64_t>(n) != size) {
    out->resize(old_size);
    if (n < 0) {
      // LZ4 returns -(offset in the block) - 1.
      return Malformed("lz4", absl::StrCat("corrupted, truncated or overlong block (at byte "
                                           "offset ",
                                           prefix + static_cast<size_t>(-(n + 1)), ")"));
    }
    return Malformed("lz4", absl::StrCat("the block holds ", n, " bytes, its prefix says ", size));
  }
  return absl::OkStatus();
}

TransformKind Lz4TransformKind() {
  TransformKind kind;
  kind.name = "lz4";
  kind.summary = "LZ4 block behind a varint of its decompressed size";
  kind.keys = {{"level", "0: fast compressor; 3..12: LZ4 HC; default 0"},
               {"max", std::string(transforms_internal::kMaxHelp)}};
  kind.factory =
      [](const TransformSettings& settings) -> absl::StatusOr<std::unique_ptr<Transform>> {
    Lz4TransformOptions options;
    absl::StatusOr<int64_t> level = settings.GetSigned("level", 0);
    if (!level.ok()) return level.status();
    if (!ValidLevel(*level)) return settings.BadValue("level", LevelRange());
    options.level = static_cast<int>(*level);
    absl::StatusOr<size_t> max = transforms_internal::GetMax(settings);
    if (!max.ok()) return max.status();
    options.max_decompressed_size = *max;
    absl::StatusOr<std::unique_ptr<Lz4Transform>> t = Lz4Transform::Create(options);
    if (!t.ok()) return t.status();
    return std::unique_ptr<Transform>(*std::move(t));
  };
  return kind;
}

}  // namespace framekit

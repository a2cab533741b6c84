// Fuzz target: AsciiCodec decode and encode, any separator byte (digits and, when signed, '-' must
// be refused at Create), signed and unsigned. Checks (fuzz_helpers.h, CheckCodec): decode(bytes) ->
// encode gives back exactly bytes (no leading zeros, no "-0", no '+', spaces or empty fields slip
// through), encode(values) succeeds iff every value is in the domain and decodes back to them,
// signed and unsigned decoding agree, errors are InvalidArgument and leave the output untouched,
// and Spec() rebuilds an equal codec.
#include <cstddef>
#include <cstdint>

#include "framekit/codecs/ascii_codec.h"
#include "framekit/fuzz/fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  framekit::fuzz::FuzzInput in(data, size);
  const uint8_t shape = in.Byte();
  framekit::AsciiCodecOptions options;
  options.is_signed = (shape & 1) != 0;
  // Usually a common separator; sometimes any byte.
  static constexpr char kSeparators[4] = {'\n', ',', ' ', '|'};
  options.separator = (shape & 2) ? static_cast<char>(in.Byte()) : kSeparators[(shape >> 2) & 3];
  auto codec = framekit::AsciiCodec::Create(options);
  const char sep = options.separator;
  const bool bad = (sep >= '0' && sep <= '9') || (options.is_signed && sep == '-');
  FUZZ_CHECK(codec.ok() == !bad, "Create with separator " + framekit::fuzz::Hex({&sep, 1}) + ": " +
                                     codec.status().ToString());
  if (!codec.ok()) {
    FUZZ_CHECK(codec.status().code() == absl::StatusCode::kInvalidArgument, "Create code");
    return 0;
  }
  framekit::fuzz::CheckCodec(**codec, in);
  return 0;
}

// Registers framekit's own codecs through the same public interface users have.
#include "absl/status/status.h"
#include "framekit/codecs/ascii_codec.h"
#include "framekit/codecs/binary_codec.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/codecs/group_varint_codec.h"
#include "framekit/codecs/varint_codec.h"

namespace framekit {

absl::Status RegisterBuiltinCodecs(CodecRegistry& registry) {
  for (CodecKind (*kind)() :
       {AsciiCodecKind, BinaryCodecKind, GroupVarintCodecKind, VarintCodecKind}) {
    absl::Status status = registry.Register(kind());
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace framekit

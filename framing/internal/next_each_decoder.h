// framekit/framing/internal/next_each_decoder.h
//
// Internal to framekit: the base of a concrete decoder whose NextBatch is its own Next() repeated
// (Decoder::NextEach), written once: called through the final type, Next() is a direct, inlinable
// call. DelimiterDecoder has a faster loop and derives from Decoder itself.
#ifndef FRAMEKIT_FRAMING_INTERNAL_NEXT_EACH_DECODER_H_
#define FRAMEKIT_FRAMING_INTERNAL_NEXT_EACH_DECODER_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"

namespace framekit {
namespace framing_internal {

template <typename Derived>
class NextEachDecoder : public Decoder {
 public:
  size_t NextBatch(absl::Span<absl::string_view> frames, Result* stop) override {
    return NextEach(static_cast<Derived&>(*this), frames, stop);
  }

 protected:
  NextEachDecoder() = default;
  NextEachDecoder(NextEachDecoder&&) = default;
  NextEachDecoder& operator=(NextEachDecoder&&) = default;
};

}  // namespace framing_internal
}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_NEXT_EACH_DECODER_H_

// framekit/framing/internal/delimiter_inl.h
//
// Internal to framekit: the inline hot paths of delimiter_framer.h, which includes this file at its
// end so that a caller holding the concrete (final) types pays no call. Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_DELIMITER_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_DELIMITER_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {

inline bool DelimiterFramer::MayHoldDelimiter(absl::string_view payload) const {
  const delimiter_internal::DelimiterSet& set = *set_;
  if (set.mode != delimiter_internal::DelimiterSet::kTable) {
    // Short payloads, the per-frame cost that matters, are checked inline; memchr for the rest.
    return payload.size() <= 16
               ? delimiter_internal::ContainsByteSmall(payload.data(), payload.size(), set.first)
               : std::memchr(payload.data(), set.first, payload.size()) != nullptr;
  }
  bool any = false;
  for (char c : payload) any |= set.starts[static_cast<unsigned char>(c)];
  return any;
}

inline absl::Status DelimiterFramer::CheckPayload(absl::string_view payload) const {
  if (payload.size() > options_.max_frame_size) return PayloadTooLarge(payload.size());
  if (!MayHoldDelimiter(payload)) return absl::OkStatus();
  return CheckCandidates(payload);
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_DELIMITER_INL_H_

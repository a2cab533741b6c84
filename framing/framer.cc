#include "framekit/framing/framer.h"

namespace framekit {

absl::Status Framer::Encode(absl::string_view payload, std::string* out) const {
  FrameEnvelope envelope;
  absl::Status status = EncodeEnvelope(payload, &envelope);
  if (!status.ok()) return status;
  out->append(envelope.header().data(), envelope.header().size());
  out->append(payload.data(), payload.size());
  out->append(envelope.trailer().data(), envelope.trailer().size());
  return absl::OkStatus();
}

bool operator==(const Framer& a, const Framer& b) { return a.Spec() == b.Spec(); }

}  // namespace framekit

#include "framekit/transport/errors.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace framekit {
namespace {

std::string ErrnoText(int e) {
  char buf[256];
  // GNU strerror_r: returns a pointer to the text, possibly not `buf`.
  const char* text = strerror_r(e, buf, sizeof(buf));
  return text != nullptr ? std::string(text) : absl::StrCat("errno ", e);
}

const char* PeerGoneName(int e) {
  switch (e) {
    case EPIPE:
      return "EPIPE";
    case ECONNRESET:
      return "ECONNRESET";
    case ESHUTDOWN:
      return "ESHUTDOWN";
    default:
      return nullptr;
  }
}

}  // namespace

absl::Status SocketError(int e, absl::string_view operation, absl::string_view peer) {
  std::string where = peer.empty() ? std::string(operation) : absl::StrCat(operation, " ", peer);
  if (const char* name = PeerGoneName(e)) {
    absl::Status s(absl::StatusCode::kUnavailable,
                   absl::StrCat(where, ": peer closed (", ErrnoText(e), ")"));
    s.SetPayload(kPeerGonePayload, absl::Cord(name));
    return s;
  }
  switch (e) {
    case ECONNREFUSED: {
      absl::Status s = absl::UnavailableError(absl::StrCat(where, ": connection refused"));
      s.SetPayload(kConnectionRefusedPayload, absl::Cord("ECONNREFUSED"));
      return s;
    }
    case ETIMEDOUT:  // the kernel's timeout, not the caller's deadline
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case ECONNABORTED:
      return absl::UnavailableError(absl::StrCat(where, ": ", ErrnoText(e)));
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return absl::ResourceExhaustedError(absl::StrCat(where, ": ", ErrnoText(e)));
    case ENOENT:
      return absl::NotFoundError(absl::StrCat(where, ": ", ErrnoText(e)));
    default:
      return absl::Status(absl::ErrnoToStatusCode(e), absl::StrCat(where, ": ", ErrnoText(e)));
  }
}

absl::Status WithContext(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  return WithMessage(status, absl::StrCat(context, ": ", status.message()));
}

absl::Status WithMessage(const absl::Status& status, absl::string_view message) {
  if (status.ok()) return status;
  absl::Status out(status.code(), message);
  status.ForEachPayload(
      [&out](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

bool IsPeerGone(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         status.GetPayload(kPeerGonePayload).has_value();
}

bool IsConnectionRefused(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         status.GetPayload(kConnectionRefusedPayload).has_value();
}

}  // namespace framekit

// Sends `messages` as frames of the framer named by `spec` through one end of a socketpair and
// reads them back from the other end: the smallest complete use of framekit from another project.
#ifndef FRAMEKIT_CONSUMER_PING_H_
#define FRAMEKIT_CONSUMER_PING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

absl::StatusOr<std::vector<std::string>> RoundTrip(absl::string_view spec,
                                                   const std::vector<std::string>& messages);

#endif  // FRAMEKIT_CONSUMER_PING_H_

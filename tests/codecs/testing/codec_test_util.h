// Helpers for codec tests: hex <-> bytes, and encode/decode wrappers that also check the
// all-or-error contract (on failure the output must be exactly as it was).
#ifndef FRAMEKIT_TESTS_CODECS_TESTING_CODEC_TEST_UTIL_H_
#define FRAMEKIT_TESTS_CODECS_TESTING_CODEC_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/codecs/codec.h"

namespace framekit {
namespace testing {

// "ac 02" (lowercase, space-separated).
std::string Hex(absl::string_view bytes);
// "AC 02" / "ac02" -> bytes; aborts on bad hex (a test bug).
std::string Bytes(absl::string_view hex);

// MakeCodec(spec), aborting with the status on failure (a test bug).
std::unique_ptr<Codec> MustMake(absl::string_view spec);

// Encode/decode into a non-empty output, check that success appended and failure left it as it
// was; return the appended part. A broken all-or-error contract is an Internal error.
absl::StatusOr<std::string> EncodeU(const Codec& codec, const std::vector<uint64_t>& values);
absl::StatusOr<std::string> EncodeS(const Codec& codec, const std::vector<int64_t>& values);
absl::StatusOr<std::vector<uint64_t>> DecodeU(const Codec& codec, absl::string_view bytes);
absl::StatusOr<std::vector<int64_t>> DecodeS(const Codec& codec, absl::string_view bytes);

}  // namespace testing
}  // namespace framekit

#endif  // FRAMEKIT_TESTS_CODECS_TESTING_CODEC_TEST_UTIL_H_

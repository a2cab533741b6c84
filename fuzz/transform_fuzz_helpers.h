// framekit/fuzz/transform_fuzz_helpers.h
//
// What every decompressor target (fuzz/*_transform_fuzzer.cc) checks, through CheckTransform(),
// on a transform built with a fuzzed `max`:
//   * the max property: Decompress of any bytes either fails or appends at most max bytes; a
//     failure is InvalidArgument or ResourceExhausted and leaves the output untouched;
//   * what it decoded re-compresses and decodes back to the same bytes;
//   * round trip: Compress(data) decodes back to data when data fits in max, and is refused with
//     ResourceExhausted when it does not;
//   * MakeTransform(Spec()) rebuilds an equal transform.
// Under tools/fuzz.sh the targets also run with -malloc_limit_mb (fuzz/<target>.options), so a
// single allocation far above max (what a decompression bomb would cause) is a crash.
// Kept apart from fuzz_helpers.h so that only these targets link the compression libraries.
#ifndef FRAMEKIT_FUZZ_TRANSFORM_FUZZ_HELPERS_H_
#define FRAMEKIT_FUZZ_TRANSFORM_FUZZ_HELPERS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "framekit/fuzz/fuzz_helpers.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {
namespace fuzz {

// Builds `kind` with a max chosen by the input (1 byte to 64 KiB), then checks the properties
// above on the rest of the input, taken both as compressed bytes and as data to compress.
inline void CheckTransform(absl::string_view kind, FuzzInput& in) {
  static constexpr size_t kMaxes[] = {1, 7, 100, 1000, 4096, 65536};
  const size_t max = kMaxes[in.Byte() % 6];
  const std::string spec = absl::StrCat(kind, ":max=", max);
  absl::StatusOr<std::unique_ptr<Transform>> made = MakeTransform(spec);
  FUZZ_CHECK(made.ok(), spec + ": " + made.status().ToString());
  const Transform& t = **made;
  absl::StatusOr<std::unique_ptr<Transform>> again = MakeTransform(t.Spec());
  FUZZ_CHECK(again.ok() && (*again)->Spec() == t.Spec(), "Spec() does not rebuild: " + t.Spec());
  FUZZ_CHECK(t.max_decompressed_size() == max, spec);
  const absl::string_view data = in.Rest();

  // Any bytes as compressed input.
  std::string out = "prefix";
  absl::Status s = t.Decompress(data, &out);
  if (s.ok()) {
    FUZZ_CHECK(out.size() - 6 <= max,
               absl::StrCat(spec, ": decoded ", out.size() - 6, " bytes from ", Hex(data)));
    const std::string decoded = out.substr(6);
    std::string packed, back;
    FUZZ_CHECK(t.Compress(decoded, &packed).ok(), spec + ": re-compress");
    absl::Status b = t.Decompress(packed, &back);
    FUZZ_CHECK(b.ok() && back == decoded, spec + ": re-decode: " + b.ToString());
  } else {
    FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument ||
                   s.code() == absl::StatusCode::kResourceExhausted,
               spec + ": unexpected code: " + s.ToString());
    FUZZ_CHECK(absl::StartsWith(s.message(), kind),
               spec + ": error not naming it: " + s.ToString());
    FUZZ_CHECK(out == "prefix", spec + ": output changed on error: " + s.ToString());
  }

  // The same bytes as data.
  std::string packed;
  FUZZ_CHECK(t.Compress(data, &packed).ok(), spec + ": compress");
  std::string back;
  s = t.Decompress(packed, &back);
  if (data.size() <= max) {
    FUZZ_CHECK(s.ok() && back == data, spec + ": round trip: " + s.ToString() + " " + Hex(data));
  } else {
    FUZZ_CHECK(s.code() == absl::StatusCode::kResourceExhausted && back.empty(),
               spec + ": over max: " + s.ToString());
  }
}

}  // namespace fuzz
}  // namespace framekit

#endif  // FRAMEKIT_FUZZ_TRANSFORM_FUZZ_HELPERS_H_

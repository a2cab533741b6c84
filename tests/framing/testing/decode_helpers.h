// Test helpers: drive a Decoder over a byte stream cut into pieces, and collect what comes out.
#ifndef FRAMEKIT_TESTS_FRAMING_TESTING_DECODE_HELPERS_H_
#define FRAMEKIT_TESTS_FRAMING_TESTING_DECODE_HELPERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"

namespace framekit {
namespace testing {

// What a decoder produced from a whole stream: the frames (copied) up to the first error, and that
// error, or Finish()'s status when none occurred before the end.
struct DecodeOutcome {
  std::vector<std::string> frames;
  absl::Status status;
};

// Feeds `stream` cut after each offset in `cuts` (ascending, each in (0, size)), calling Next()
// until kNeedMore after every piece, then Finish(). Stops at the first kError.
DecodeOutcome DecodeInPieces(Decoder& decoder, absl::string_view stream,
                             const std::vector<size_t>& cuts);
DecodeOutcome DecodeWhole(const Framer& framer, absl::string_view stream);
DecodeOutcome DecodeByteByByte(const Framer& framer, absl::string_view stream);

// Checks that `stream` decodes to `expected` (and a clean Finish) whole, one byte at a time, and
// cut in two at every possible offset. With `expected_error` set, checks that every split gives the
// same frames and then that status code instead.
void ExpectDecodesAtEverySplit(const Framer& framer, absl::string_view stream,
                               const std::vector<std::string>& expected,
                               absl::StatusCode expected_code = absl::StatusCode::kOk);

// What a decoder made of a stream when over-max frames may be reported and skipped
// (TooLongPolicy::kSkip): Next() is called on past every non-fatal kError.
struct ReportingOutcome {
  std::vector<std::string> frames;
  std::vector<absl::StatusCode> reported;  // The non-fatal errors, in order.
  size_t max_buffered = 0;   // The most the decoder held after a Next() that gave no frame.
  size_t stale_reports = 0;  // kNeedMore returned while status() still held a report.
  bool fatal = false;        // Decoding stopped at a fatal error (or a refused Feed), in `end`.
  absl::Status end;          // That fatal error, or Finish()'s status.
};

// Feeds `stream` cut after each offset in `cuts` (ascending, each in (0, size)) and takes every
// Next() result, going on past reports, then Finish().
ReportingOutcome DecodeThroughReports(const Framer& framer, absl::string_view stream,
                                      const std::vector<size_t>& cuts = {});

// Encodes every payload with Encode() and checks the envelope form gives the same bytes.
std::string EncodeAll(const Framer& framer, const std::vector<std::string>& payloads);

}  // namespace testing
}  // namespace framekit

#endif  // FRAMEKIT_TESTS_FRAMING_TESTING_DECODE_HELPERS_H_

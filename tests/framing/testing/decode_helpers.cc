#include "tests/framing/testing/decode_helpers.h"

#include <algorithm>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace framekit {
namespace testing {

DecodeOutcome DecodeInPieces(Decoder& decoder, absl::string_view stream,
                             const std::vector<size_t>& cuts) {
  DecodeOutcome out;
  size_t start = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(stream.size());
  for (size_t end : ends) {
    absl::Status fed = decoder.Feed(stream.substr(start, end - start));
    if (!fed.ok()) {
      out.status = fed;
      return out;
    }
    start = end;
    absl::string_view frame;
    for (;;) {
      Decoder::Result r = decoder.Next(&frame);
      if (r == Decoder::kFrame) {
        out.frames.emplace_back(frame);
        continue;
      }
      if (r == Decoder::kError) {
        out.status = decoder.status();
        return out;
      }
      break;
    }
  }
  out.status = decoder.Finish();
  return out;
}

DecodeOutcome DecodeWhole(const Framer& framer, absl::string_view stream) {
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  return DecodeInPieces(*decoder, stream, {});
}

DecodeOutcome DecodeByteByByte(const Framer& framer, absl::string_view stream) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  return DecodeInPieces(*decoder, stream, cuts);
}

void ExpectDecodesAtEverySplit(const Framer& framer, absl::string_view stream,
                               const std::vector<std::string>& expected,
                               absl::StatusCode expected_code) {
  auto check = [&](const DecodeOutcome& got, const std::string& how) {
    EXPECT_EQ(got.status.code(), expected_code) << how << ": " << got.status;
    EXPECT_EQ(got.frames, expected) << how;
  };
  check(DecodeWhole(framer, stream), "whole");
  check(DecodeByteByByte(framer, stream), "byte by byte");
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    std::unique_ptr<Decoder> decoder = framer.NewDecoder();
    check(DecodeInPieces(*decoder, stream, {cut}), absl::StrCat("cut at ", cut));
  }
}

ReportingOutcome DecodeThroughReports(const Framer& framer, absl::string_view stream,
                                      const std::vector<size_t>& cuts) {
  ReportingOutcome out;
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  size_t start = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(stream.size());
  for (size_t end : ends) {
    absl::Status fed = decoder->Feed(stream.substr(start, end - start));
    if (!fed.ok()) {
      out.fatal = true;
      out.end = fed;
      return out;
    }
    start = end;
    absl::string_view frame;
    for (;;) {
      const Decoder::Result r = decoder->Next(&frame);
      if (r == Decoder::kFrame) {
        out.frames.emplace_back(frame);
        continue;
      }
      out.max_buffered = std::max(out.max_buffered, decoder->buffered_bytes());
      if (r == Decoder::kError) {
        if (decoder->failed()) {
          out.fatal = true;
          out.end = decoder->status();
          return out;
        }
        out.reported.push_back(decoder->status().code());
        continue;
      }
      if (!decoder->status().ok()) ++out.stale_reports;
      break;
    }
  }
  out.end = decoder->Finish();
  return out;
}

std::string EncodeAll(const Framer& framer, const std::vector<std::string>& payloads) {
  std::string wire;
  for (const std::string& payload : payloads) {
    absl::Status s = framer.Encode(payload, &wire);
    EXPECT_TRUE(s.ok()) << s;
    FrameEnvelope envelope;
    s = framer.EncodeEnvelope(payload, &envelope);
    EXPECT_TRUE(s.ok()) << s;
    std::string gathered = absl::StrCat(envelope.header(), payload, envelope.trailer());
    EXPECT_TRUE(absl::EndsWith(wire, gathered)) << "Encode and EncodeEnvelope disagree";
  }
  return wire;
}

}  // namespace testing
}  // namespace framekit

// framekit/benchmarks/simulated_reads.h
//
// The in-memory stand-in for a receive loop, shared by the benchmarks that decode a stream "as from
// recv": `wire` enters the decoder in reads sized by Decoder::NextReadSize(read_size), each one a
// memcpy into the space PrepareWrite hands out (where recv() would write), and after each read
// `drain(decoder)` takes the frames now complete. One definition, so that every streamed figure is
// measured the same way.
//
// Example:
//   absl::Status s = FeedInReads(wire, 64 * 1024, decoder, [&](LengthHeaderDecoder& d) {
//     absl::string_view frame;
//     while (d.LengthHeaderDecoder::Next(&frame) == Decoder::kFrame) ++frames;
//     return d.status();
//   });
#ifndef FRAMEKIT_BENCHMARKS_SIMULATED_READS_H_
#define FRAMEKIT_BENCHMARKS_SIMULATED_READS_H_

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace framekit {

// Feeds all of `wire` to `decoder` (a concrete decoder type, so NextReadSize and the drain inline)
// and calls `drain(decoder)` -> absl::Status after every read; returns the first error it reports.
template <typename DecoderT, typename Drain>
absl::Status FeedInReads(absl::string_view wire, size_t read_size, DecoderT& decoder, Drain drain) {
  for (size_t off = 0; off < wire.size();) {
    const size_t n = std::min(decoder.NextReadSize(read_size), wire.size() - off);
    absl::Span<char> dst = decoder.PrepareWrite(n);
    std::memcpy(dst.data(), wire.data() + off, n);  // Stands in for recv().
    decoder.CommitWrite(n);
    off += n;
    absl::Status s = drain(decoder);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_SIMULATED_READS_H_

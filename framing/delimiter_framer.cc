#include "framekit/framing/delimiter_framer.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/base/optimization.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framing_errors.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/spec/spec_values.h"

namespace framekit {
namespace {

constexpr absl::string_view kName = "delimiter";
constexpr size_t kMaxDelimiters = delimiter_internal::DelimiterSet::kMaxCount;
constexpr size_t kMaxDelimiterSize = delimiter_internal::DelimiterSet::kMaxSize;

std::string Quoted(absl::string_view bytes) {
  return absl::StrCat("\"", FormatEscapedBytes(bytes), "\"");
}

}  // namespace

// The fast path's scan (see Next): fills the next 64-byte window of delimiter positions, or, for
// a long line or a short tail, lets memchr find the end. Out of line so that Next's pop loop stays
// small enough to inline.
Decoder::Result DelimiterDecoder::NextScan(absl::string_view* frame) {
  const char* data = buffer().data();
  const size_t size = buffer().size();
  // A delimiter may start at most at index max_ (an exactly-max payload).
  const size_t limit = max_ < size ? static_cast<size_t>(max_) + 1 : size;
  const uint64_t base = stream_offset();
  for (;;) {
    // Positions in the current window that are not consumed yet (over-max ones end the scan).
    while (hits_ != 0) {
      const uint64_t at = hits_base_ + static_cast<uint64_t>(__builtin_ctzll(hits_));
      if (at < base + scan_) {
        hits_ &= hits_ - 1;
        continue;
      }
      const size_t p = static_cast<size_t>(at - base);
      if (p >= limit) {
        scan_ = limit;
        return scan_ > max_ ? TooLong() : kNeedMore;
      }
      hits_ &= hits_ - 1;
      *frame = absl::string_view(data, p);
      Consume(p + 1);
      scan_ = 0;
      return kFrame;
    }
    const uint64_t from = std::max<uint64_t>(hits_end_, base + scan_);
    const size_t off = static_cast<size_t>(from - base);
    if (off >= limit) {
      scan_ = std::max(scan_, limit);
      break;
    }
    size_t memchr_from = off;
    if (!long_lines_ && size - off >= 64) {
      hits_ = delimiter_internal::ByteMask64(data + off, first_);
      hits_base_ = from;
      hits_end_ = from + 64;
      if (hits_ != 0) continue;
      // A long line: glibc's memchr outruns 64-byte windows, so let it find the end, and keep
      // using it while lines stay long.
      long_lines_ = true;
      memchr_from = off + 64;
      if (memchr_from >= limit) {
        scan_ = limit;
        break;
      }
    }
    const void* hit = std::memchr(data + memchr_from, first_, limit - memchr_from);
    if (hit != nullptr) {
      const size_t p = static_cast<size_t>(static_cast<const char*>(hit) - data);
      if (p < 64) long_lines_ = false;  // Short again: back to windows.
      *frame = absl::string_view(data, p);
      Consume(p + 1);
      scan_ = 0;
      return kFrame;
    }
    scan_ = limit;
    break;
  }
  if (scan_ > max_) return TooLong();
  return kNeedMore;
}

size_t DelimiterDecoder::NextBatch(absl::Span<absl::string_view> frames, Result* stop) {
  size_t n = 0;
  while (n < frames.size()) {
    // Windows pay off for short lines; while lines are long (a window came up empty), Next()'s
    // memchr finds their ends faster, and it switches back once a line is short again.
    if (one_byte_ && (!skip_ || !skipper_.active()) && status().ok() && !long_lines_) {
      n += RunWindows(frames.data() + n, frames.size() - n);
      if (n == frames.size()) break;
    }
    // Whatever RunWindows leaves (a long line, the last < 64 bytes, a frame over the max, another
    // delimiter mode) is Next()'s; it keeps every limit and error exactly as documented there.
    const Result r = DelimiterDecoder::Next(&frames[n]);
    if (r != kFrame) {
      *stop = r;
      return n;
    }
    ++n;
  }
  *stop = kFrame;
  return n;
}

// Takes the frames whose delimiter lies in a full 64-byte window, state in locals. Stops at a
// window with no delimiter, at a frame over the max (unreported: Next() reports it), with fewer
// than 64 bytes left, or when `room` frames are out. Consumes what it delivered, once, and leaves
// scan_ at what it ruled out of the frame in progress, so no byte is compared twice on the way on.
size_t DelimiterDecoder::RunWindows(absl::string_view* out, size_t room) {
  const char* const data = buffer().data();
  const size_t size = buffer().size();
  const uint64_t max = max_;
  const char c = first_;
  size_t start = 0;    // The frame in progress starts here...
  size_t off = scan_;  // ...and holds no delimiter before here.
  size_t n = 0;
  while (n < room && size - off >= 64) {
    uint64_t mask = delimiter_internal::ByteMask64(data + off, c);
    if (mask == 0) {  // A long line: Next() finds its end with memchr, as it does the next ones.
      off += 64;
      long_lines_ = true;
      break;
    }
    while (mask != 0) {
      const size_t p = off + static_cast<size_t>(__builtin_ctzll(mask));
      if (p - start > max) goto done;
      out[n++] = absl::string_view(data + start, p - start);
      start = p + 1;
      mask &= mask - 1;
      if (n == room) goto done;
    }
    off += 64;
  }
done:
  if (start > 0) {
    Consume(start);
    scan_ = off > start ? off - start : 0;
  } else {
    scan_ = off;
  }
  return n;
}

Decoder::Result DelimiterDecoder::TooLong() {
  // Starts 0..max_ are ruled out, so the payload has more than max_ bytes.
  absl::Status status =
      FrameTooLargeError(kName, stream_offset(), max_, max_, /*lower_bound=*/true);
  if (!skip_) return Fail(std::move(status));
  // The ruled-out bytes belong to the frame being skipped: drop them now.
  skipper_.Start(stream_offset(), framing_internal::TooLongSkipper::kUntilDelimiter);
  Consume(scan_);
  scan_ = 0;
  return Report(std::move(status));
}

absl::Status DelimiterDecoder::Finish() {
  if (failed()) return status();
  if (buffer().empty() && !skipper_.active()) return absl::OkStatus();
  if (skipper_.active()) {  // Its bytes were dropped as they came: count from the frame's start.
    return TruncatedError(kName, skipper_.SeenBy(stream_offset() + buffer().size()),
                          "inside an over-long frame being skipped");
  }
  return TruncatedError(kName, buffer().size(), "no delimiter after the last frame");
}

absl::StatusOr<std::unique_ptr<DelimiterFramer>> DelimiterFramer::Create(DelimiterOptions options) {
  const std::vector<std::string>& delims = options.delimiters;
  if (delims.empty() || delims.size() > kMaxDelimiters) {
    return BadOptionError(
        kName, absl::StrCat("need 1 to ", kMaxDelimiters, " delimiters, got ", delims.size()));
  }
  for (size_t i = 0; i < delims.size(); ++i) {
    if (delims[i].empty() || delims[i].size() > kMaxDelimiterSize) {
      return BadOptionError(kName, absl::StrCat("delimiter ", Quoted(delims[i]), " must be 1 to ",
                                                kMaxDelimiterSize, " bytes"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (delims[i] == delims[j]) {
        return BadOptionError(kName, absl::StrCat("duplicate delimiter ", Quoted(delims[i])));
      }
    }
    if (i > 0 && delims[i].size() > delims[0].size() && absl::StartsWith(delims[i], delims[0])) {
      return BadOptionError(kName, absl::StrCat("the written (first) delimiter ", Quoted(delims[0]),
                                                " is a prefix of ", Quoted(delims[i]),
                                                ", so frames could merge with the next one; list ",
                                                Quoted(delims[i]), " first"));
    }
  }
  if (options.on_too_long != TooLongPolicy::kFail && options.on_too_long != TooLongPolicy::kSkip) {
    return BadOptionError(kName, "too_long must be fail or skip");
  }

  auto set = std::make_shared<delimiter_internal::DelimiterSet>();
  std::vector<std::string> by_length = delims;
  std::stable_sort(by_length.begin(), by_length.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  set->count = by_length.size();
  for (size_t i = 0; i < by_length.size(); ++i) {
    set->len[i] = static_cast<uint8_t>(by_length[i].size());
    std::memcpy(set->bytes[i], by_length[i].data(), by_length[i].size());
  }
  bool one_first_byte = true;
  for (const std::string& d : delims) {
    set->starts[static_cast<unsigned char>(d[0])] = true;
    one_first_byte = one_first_byte && d[0] == delims[0][0];
  }
  set->first = delims[0][0];
  if (delims.size() == 1 && delims[0].size() == 1) {
    set->mode = delimiter_internal::DelimiterSet::kOneByte;
  } else if (one_first_byte) {
    set->mode = delimiter_internal::DelimiterSet::kOneFirstByte;
  } else {
    set->mode = delimiter_internal::DelimiterSet::kTable;
  }
  return std::unique_ptr<DelimiterFramer>(new DelimiterFramer(std::move(options), std::move(set)));
}

std::string DelimiterFramer::Spec() const {
  std::string spec(kName);
  spec += ':';
  for (const std::string& d : options_.delimiters) {
    absl::StrAppend(&spec, "delim=", FormatEscapedBytes(d), ",");
  }
  absl::StrAppend(&spec, "max=", FormatSize(options_.max_frame_size),
                  ",too_long=", options_.on_too_long == TooLongPolicy::kSkip ? "skip" : "fail");
  return spec;
}

std::unique_ptr<Decoder> DelimiterFramer::NewDecoder() const {
  return std::make_unique<DelimiterDecoder>(MakeDecoder());
}

absl::Status DelimiterFramer::PayloadTooLarge(size_t size) const {
  return absl::ResourceExhaustedError(absl::StrCat(kName, ": cannot encode a ", size,
                                                   "-byte payload, over the maximum of ",
                                                   options_.max_frame_size, " bytes"));
}

// Some byte of `payload` can start a delimiter. Check every such start p against what the decoder
// will see, payload[p:] + the written delimiter: a full match ends the frame early, and a partial
// one (running off the end) would be completed or not by the next frame's bytes.
absl::Status DelimiterFramer::CheckCandidates(absl::string_view payload) const {
  for (size_t p = 0; p < payload.size(); ++p) {
    if (!set_->starts[static_cast<unsigned char>(payload[p])]) continue;
    const absl::string_view rest = payload.substr(p);
    for (const std::string& d : options_.delimiters) {
      const absl::string_view head = absl::string_view(d).substr(0, rest.size());
      if (rest.substr(0, head.size()) != head) continue;
      const absl::string_view tail = absl::string_view(d).substr(head.size());  // Into `written_`.
      if (tail.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(kName, ": payload contains the delimiter ", Quoted(d), " at offset ", p));
      }
      const bool completes = absl::StartsWith(written_, tail);
      if (completes || absl::StartsWith(tail, written_)) {
        return absl::InvalidArgumentError(absl::StrCat(
            kName, ": payload's last ", rest.size(), " bytes followed by the delimiter ",
            Quoted(written_), completes ? " would" : " could (with the next frame's bytes)",
            " decode as the delimiter ", Quoted(d), " at offset ", p, ", ending the frame early"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace framekit

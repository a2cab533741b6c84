// framekit/fuzz/fuzz_helpers.h
//
// Shared machinery of the fuzz targets (fuzz/*_fuzzer.cc). What every framer target checks, through
// CheckFramer():
//   * round trip: payloads derived from the input, encoded with the framer (Encode and
//     EncodeEnvelope must agree byte for byte), decode back to themselves (or to the bytes the
//     framer documents: padding kept, unstripped header bytes kept) in order, even when hostile
//     bytes follow them in the stream;
//   * split invariance: the same stream fed whole, cut at points derived from the input, one byte
//     at a time, and through the zero-copy PrepareWrite/CommitWrite path gives the same frames, the
//     same (skipped) errors and the same final status code;
//   * bounds: no frame is longer than max_payload_size() (+ header bytes a framer keeps), and
//     buffer_capacity() stays within what byte_buffer.h promises: with P = min(bytes received,
//     max frame + header/trailer + largest chunk), at most max(4096, min(16 P, 1 MiB), 4 P);
//   * errors carry the documented codes (InvalidArgument / ResourceExhausted / DataLoss), and a
//     refused payload is refused for a documented reason;
//   * specs: MakeFramer(framer.Spec()) builds an equal framer with the same max_payload_size().
// What every codec target checks, through CheckCodec():
//   * bytes -> values -> bytes: if DecodeX(bytes) succeeds, EncodeX(values) gives back exactly
//     `bytes` (the formats are canonical); on failure the code is InvalidArgument and `out` is
//     untouched (Decode appends: a prefilled element stays);
//   * values -> bytes -> values: EncodeX(values) succeeds iff every value lies in the codec's
//     domain (value_bits(), is_signed()), then decodes back to exactly `values` and fits
//     MaxEncodedSize;
//   * the unsigned and signed entry points agree: same bit patterns when both decode, and one fails
//     where the other succeeds only for a value the failing type cannot hold;
//   * MakeCodec(codec.Spec()) rebuilds an equal codec.
// A violated property prints what was expected and what happened, then abort()s, which libFuzzer
// and the replay test (replay_main.cc) both report as a failure.
#ifndef FRAMEKIT_FUZZ_FUZZ_HELPERS_H_
#define FRAMEKIT_FUZZ_FUZZ_HELPERS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "framekit/codecs/codec.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"

namespace framekit {
namespace fuzz {

// A failed property: print and abort (libFuzzer keeps the input as crash-*).
[[noreturn]] inline void Fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "\n*** fuzz property violated at %s:%d\n%s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(cond, msg)                                                   \
  do {                                                                          \
    if (!(cond))                                                                \
      ::framekit::fuzz::Fail(__FILE__, __LINE__,                                \
                             std::string("check failed: " #cond "\n") + (msg)); \
  } while (0)

inline std::string Hex(absl::string_view bytes, size_t limit = 200) {
  std::string out = absl::BytesToHexString(bytes.substr(0, limit));
  if (bytes.size() > limit) absl::StrAppend(&out, "...(", bytes.size(), " bytes)");
  return out;
}

// Takes typed values from the front of the fuzz input (a small FuzzedDataProvider that also builds
// with gcc). Past the end every read returns zeros / empty.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data)), size_(size) {}

  size_t remaining() const { return size_ - pos_; }
  uint8_t Byte() { return pos_ < size_ ? static_cast<uint8_t>(data_[pos_++]) : 0; }
  bool Bool() { return (Byte() & 1) != 0; }
  // A value in [lo, hi] from up to 8 bytes.
  uint64_t Range(uint64_t lo, uint64_t hi) {
    if (lo >= hi) return lo;
    const uint64_t span = hi - lo;
    uint64_t v = 0;
    for (uint64_t s = span; s != 0 && remaining() > 0; s >>= 8) v = (v << 8) | Byte();
    return span == UINT64_MAX ? v : lo + v % (span + 1);
  }
  uint64_t U64() { return Range(0, UINT64_MAX); }
  absl::string_view Bytes(size_t n) {
    n = std::min(n, remaining());
    absl::string_view out(data_ + pos_, n);
    pos_ += n;
    return out;
  }
  absl::string_view Rest() { return Bytes(remaining()); }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

// A max_frame_size that exercises the too-long paths: tiny, small, near a power of 2, or huge.
inline uint64_t FuzzMax(FuzzInput& in) {
  switch (in.Byte() % 6) {
    case 0:
      return in.Range(0, 3);
    case 1:
    case 2:
      return in.Range(1, 64);
    case 3:
      return in.Range(1, 4096);
    case 4:
      return uint64_t{1} << in.Range(0, 63);
    default:
      return in.U64();
  }
}

// One decoder event: a frame (copied) or a reported (possibly non-fatal) error's code.
struct Event {
  bool is_frame;
  absl::StatusCode code;
  std::string frame;
  bool operator==(const Event& o) const {
    return is_frame == o.is_frame && code == o.code && frame == o.frame;
  }
};

struct Outcome {
  std::vector<Event> events;
  bool fatal = false;
  absl::StatusCode final_code = absl::StatusCode::kOk;  // The fatal error, or Finish()'s.
};

inline std::string Describe(const Outcome& o) {
  std::string s;
  for (const Event& e : o.events) {
    if (e.is_frame) {
      absl::StrAppend(&s, "  frame[", e.frame.size(), "] ", Hex(e.frame, 40), "\n");
    } else {
      absl::StrAppend(&s, "  error ", absl::StatusCodeToString(e.code), "\n");
    }
  }
  absl::StrAppend(&s, "  end: ", o.fatal ? "fatal " : "", absl::StatusCodeToString(o.final_code),
                  "\n");
  return s;
}

inline bool operator==(const Outcome& a, const Outcome& b) {
  return a.events == b.events && a.fatal == b.fatal && a.final_code == b.final_code;
}

inline bool IsDecodeErrorCode(absl::StatusCode c) {
  return c == absl::StatusCode::kInvalidArgument || c == absl::StatusCode::kResourceExhausted;
}

// What a framer target tells the generic checks about its framer.
struct FramerTraits {
  // Longest frame Next() may deliver: max_payload_size() plus header bytes left unstripped.
  uint64_t max_frame_bytes = 0;
  // Most bytes one frame occupies on the wire beyond its payload (header + trailer).
  uint64_t max_overhead = 64;
  // The frame a decoder delivers for `payload` whose wire encoding is `encoded`.
  std::function<std::string(absl::string_view payload, absl::string_view encoded)> expected_frame;
  // Extra check of a payload the encoder refused (empty: only the generic code checks).
  std::function<void(absl::string_view payload, const absl::Status& status)> check_refusal;
};

// Feeds `stream` cut after each offset in `cuts` (ascending), calling Next() until it stops giving
// frames after every piece (going on after a non-fatal error), then Finish(). Checks the per-frame
// and buffer bounds as it goes. `zero_copy` feeds through PrepareWrite/CommitWrite.
inline Outcome DecodeStream(const Framer& framer, const FramerTraits& traits,
                            absl::string_view stream, const std::vector<size_t>& cuts,
                            bool zero_copy) {
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  Outcome out;
  size_t start = 0;
  size_t largest_chunk = 0;
  const uint64_t frame_bound = framer.max_payload_size() > (UINT64_MAX >> 8)
                                   ? (UINT64_MAX >> 8)
                                   : framer.max_payload_size() + traits.max_overhead;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    const size_t end = i < cuts.size() ? cuts[i] : stream.size();
    const absl::string_view piece = stream.substr(start, end - start);
    start = end;
    largest_chunk = std::max(largest_chunk, piece.size());
    if (zero_copy) {
      absl::Span<char> dst = decoder->PrepareWrite(piece.size());
      FUZZ_CHECK(dst.size() >= piece.size(), "PrepareWrite gave fewer bytes than asked");
      if (!piece.empty()) std::memcpy(dst.data(), piece.data(), piece.size());
      decoder->CommitWrite(piece.size());
    } else {
      const absl::Status fed = decoder->Feed(piece);
      FUZZ_CHECK(fed.ok(), "Feed failed before any fatal error: " + fed.ToString());
    }
    // byte_buffer.h: capacity <= max(4096, min(16 P, 1 MiB), 4 P) for P the most ever pending
    // after an append, which never exceeds what arrived, nor one frame in progress plus the
    // newest chunk.
    const uint64_t pending_bound = std::min<uint64_t>(end, frame_bound + largest_chunk);
    const uint64_t cap_bound =
        std::max({uint64_t{4096}, std::min<uint64_t>(16 * pending_bound, 1 << 20),
                  4 * pending_bound});
    FUZZ_CHECK(decoder->buffer_capacity() <= cap_bound,
               absl::StrCat("buffer_capacity ", decoder->buffer_capacity(), " > bound ", cap_bound,
                            " (", end, " bytes received, max ", framer.max_payload_size(), ")"));
    FUZZ_CHECK(decoder->stream_offset() + decoder->buffered_bytes() == end,
               absl::StrCat("stream_offset ", decoder->stream_offset(), " + buffered ",
                            decoder->buffered_bytes(), " != bytes received ", end));
    for (;;) {
      absl::string_view frame;
      const Decoder::Result r = decoder->Next(&frame);
      if (r == Decoder::kNeedMore) {
        FUZZ_CHECK(decoder->status().ok() || decoder->failed(),
                   "kNeedMore with a non-OK status: " + decoder->status().ToString());
        // A size known from a header is never more than one whole frame, and a read sized from it
        // is never empty nor over the reader's own size, or the room the buffer already has (a
        // frame larger than a read is asked for whole in it).
        const uint64_t missing = decoder->frame_bytes_missing();
        const uint64_t max_payload = framer.max_payload_size();
        const uint64_t whole_frame = max_payload > UINT64_MAX - traits.max_overhead
                                         ? UINT64_MAX
                                         : max_payload + traits.max_overhead;
        FUZZ_CHECK(missing <= whole_frame,
                   absl::StrCat("frame_bytes_missing ", missing, " > max frame ", whole_frame));
        const size_t want = decoder->NextReadSize(4096);
        FUZZ_CHECK(want >= 1 && want <= std::max<size_t>(4096, decoder->buffer_capacity()),
                   absl::StrCat("NextReadSize(4096) = ", want, " with a buffer of ",
                                decoder->buffer_capacity()));
        // A reader may free an empty buffer between reads (FramedConnection does, when idle): the
        // stream must go on as if it had not (the split-invariance check compares the frames).
        if (end % 3 == 0) {
          decoder->TrimBuffer(0);
          FUZZ_CHECK(decoder->buffered_bytes() != 0 || decoder->buffer_capacity() == 0,
                     "TrimBuffer(0) kept the allocation of an empty buffer");
        } else if (end % 3 == 1) {  // as FramedConnection does between reads
          const size_t before = decoder->buffered_bytes();
          FUZZ_CHECK(!decoder->TrimBufferIfOutgrown(256) || before == 0,
                     "TrimBufferIfOutgrown freed a buffer holding bytes");
        }
        break;
      }
      if (r == Decoder::kFrame) {
        FUZZ_CHECK(frame.size() <= traits.max_frame_bytes,
                   absl::StrCat("frame of ", frame.size(), " bytes over the bound ",
                                traits.max_frame_bytes, " (", framer.Spec(), ")"));
        out.events.push_back(Event{true, absl::StatusCode::kOk, std::string(frame)});
        continue;
      }
      const absl::Status& status = decoder->status();
      FUZZ_CHECK(IsDecodeErrorCode(status.code()), "unexpected decode error: " + status.ToString());
      if (decoder->failed()) {
        out.fatal = true;
        out.final_code = status.code();
        // Fatal means fatal: further input is refused with the same status, Next() keeps failing.
        FUZZ_CHECK(decoder->Feed("x").code() == status.code(), "Feed after a fatal error");
        FUZZ_CHECK(decoder->Next(&frame) == Decoder::kError, "Next after a fatal error");
        FUZZ_CHECK(decoder->Finish().code() == status.code(), "Finish after a fatal error");
        return out;
      }
      // Skipped frame: only too-long frames are skippable.
      FUZZ_CHECK(status.code() == absl::StatusCode::kResourceExhausted,
                 "non-fatal error that is not ResourceExhausted: " + status.ToString());
      out.events.push_back(Event{false, status.code(), ""});
    }
  }
  const absl::Status finish = decoder->Finish();
  FUZZ_CHECK(finish.ok() || finish.code() == absl::StatusCode::kDataLoss,
             "Finish: " + finish.ToString());
  out.final_code = finish.code();
  return out;
}

// Cut points in (0, size), ascending, from a seed (deterministic: the same seed, the same cuts).
inline std::vector<size_t> CutsFromSeed(uint64_t seed, size_t size, size_t max_piece) {
  std::vector<size_t> cuts;
  if (size < 2) return cuts;
  max_piece = std::max<size_t>(1, max_piece);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + size;
  for (size_t at = 0;;) {
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    at += 1 + static_cast<size_t>(x % max_piece);
    if (at >= size) break;
    cuts.push_back(at);
  }
  return cuts;
}

inline std::vector<size_t> EveryByte(size_t size) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < size; ++i) cuts.push_back(i);
  return cuts;
}

// MakeFramer(framer.Spec()) must build an equal framer, enforcing the same max.
inline void CheckSpecRoundTrip(const Framer& framer) {
  const std::string spec = framer.Spec();
  absl::StatusOr<std::unique_ptr<Framer>> again = MakeFramer(spec);
  FUZZ_CHECK(again.ok(), "MakeFramer(Spec()) failed: spec '" + absl::CHexEscape(spec) +
                             "': " + again.status().ToString());
  FUZZ_CHECK(**again == framer && (*again)->Spec() == spec,
             "Spec() does not re-parse to an equal framer: '" + absl::CHexEscape(spec) + "' -> '" +
                 absl::CHexEscape((*again)->Spec()) + "'");
  FUZZ_CHECK(
      (*again)->max_payload_size() == framer.max_payload_size(),
      absl::StrCat("max_payload_size differs after Spec round trip: ", framer.max_payload_size(),
                   " vs ", (*again)->max_payload_size(), " for '", absl::CHexEscape(spec), "'"));
}

// The properties listed at the top of this file, for `framer` and the rest of `in`: a few payloads
// derived from the input, encoded, followed by the remaining input as raw (hostile) bytes.
inline void CheckFramer(const Framer& framer, const FramerTraits& traits, FuzzInput& in) {
  CheckSpecRoundTrip(framer);
  const uint64_t max = framer.max_payload_size();

  // Payloads: a count, then for each a length and bytes from the input.
  std::string wire;
  std::vector<std::string> expected;
  const size_t count = in.Range(0, 8);
  bool long_used = false;
  for (size_t i = 0; i < count && in.remaining() > 0; ++i) {
    const uint8_t how = in.Byte();
    std::string payload;
    if ((how & 3) == 3) {
      // A run of one byte, to cross a max or a buffer size without a long input; at most one long
      // one (up to 70000 bytes, past 64 KiB) per input, to keep executions fast.
      const bool go_long = (how & 0x0C) == 0x0C && !long_used;
      long_used = long_used || go_long;
      payload.assign(in.Range(0, go_long ? 70000 : 600), static_cast<char>(in.Byte()));
    } else {
      payload = std::string(in.Bytes(in.Range(0, (how & 1) ? 300 : 16)));
    }
    std::string encoded;
    const absl::Status s = framer.Encode(payload, &encoded);
    FrameEnvelope envelope;
    const absl::Status se = framer.EncodeEnvelope(payload, &envelope);
    FUZZ_CHECK(s.code() == se.code(),
               "Encode and EncodeEnvelope disagree: " + s.ToString() + " vs " + se.ToString());
    if (!s.ok()) {
      FUZZ_CHECK(encoded.empty(), "Encode changed *out on error");
      FUZZ_CHECK(s.code() == absl::StatusCode::kResourceExhausted ||
                     s.code() == absl::StatusCode::kInvalidArgument,
                 "Encode error code: " + s.ToString());
      FUZZ_CHECK(
          (s.code() == absl::StatusCode::kResourceExhausted) == (payload.size() > max),
          absl::StrCat("Encode of ", payload.size(), " bytes with max ", max, ": ", s.ToString()));
      if (traits.check_refusal) traits.check_refusal(payload, s);
      continue;
    }
    FUZZ_CHECK(payload.size() <= max,
               absl::StrCat("encoded a ", payload.size(), "-byte payload over max ", max));
    const std::string from_envelope = absl::StrCat(envelope.header(), payload, envelope.trailer());
    FUZZ_CHECK(from_envelope == encoded,
               "EncodeEnvelope bytes " + Hex(from_envelope) + " != Encode bytes " + Hex(encoded));
    FUZZ_CHECK(encoded.size() - payload.size() <= traits.max_overhead,
               absl::StrCat("frame overhead ", encoded.size() - payload.size()));
    expected.push_back(traits.expected_frame(payload, encoded));
    wire += encoded;
  }
  const size_t encoded_size = wire.size();
  const uint8_t split_seed = in.Byte();
  wire += std::string(in.Rest());
  const bool tail = wire.size() > encoded_size;

  const Outcome whole = DecodeStream(framer, traits, wire, {}, false);
  // Round trip: the encoded payloads come back first, in order, whatever follows them.
  FUZZ_CHECK(whole.events.size() >= expected.size(),
             absl::StrCat("decoded ", whole.events.size(), " events, encoded ", expected.size(),
                          " payloads (", framer.Spec(), ")\n", Describe(whole)));
  for (size_t i = 0; i < expected.size(); ++i) {
    FUZZ_CHECK(whole.events[i].is_frame && whole.events[i].frame == expected[i],
               absl::StrCat("payload ", i, " did not round-trip (", absl::CHexEscape(framer.Spec()),
                            "): expected ", Hex(expected[i]), "\ndecoded:\n", Describe(whole)));
  }
  if (!tail) {
    FUZZ_CHECK(whole.events.size() == expected.size() && !whole.fatal &&
                   whole.final_code == absl::StatusCode::kOk,
               "clean stream did not decode cleanly:\n" + Describe(whole));
  }

  // Split invariance. At most ~1000 pieces (per-piece cost under sanitizers is a few us); streams
  // up to 4 KiB are also fed one byte at a time.
  const size_t min_piece = wire.size() / 512;
  const Outcome cut = DecodeStream(
      framer, traits, wire,
      CutsFromSeed(split_seed, wire.size(), std::max<size_t>(1 + split_seed % 37, min_piece)),
      false);
  FUZZ_CHECK(cut == whole, "whole vs cut differ (" + absl::CHexEscape(framer.Spec()) +
                               ")\nwhole:\n" + Describe(whole) + "cut:\n" + Describe(cut));
  const Outcome zero_copy = DecodeStream(
      framer, traits, wire,
      CutsFromSeed(split_seed + 1, wire.size(), std::max<size_t>(1 + split_seed % 251, min_piece)),
      true);
  FUZZ_CHECK(zero_copy == whole, "whole vs zero-copy differ (" + absl::CHexEscape(framer.Spec()) +
                                     ")\nwhole:\n" + Describe(whole) + "zero-copy:\n" +
                                     Describe(zero_copy));
  if (wire.size() <= 4096) {
    const Outcome bytewise = DecodeStream(framer, traits, wire, EveryByte(wire.size()), false);
    FUZZ_CHECK(bytewise == whole, "whole vs byte-by-byte differ (" +
                                      absl::CHexEscape(framer.Spec()) + ")\nwhole:\n" +
                                      Describe(whole) + "byte-by-byte:\n" + Describe(bytewise));
  }
}

// Create(framer.options()) must give an equal framer (options() is documented as re-creatable).
template <typename T>
void CheckOptionsRoundTrip(const T& framer) {
  auto again = T::Create(framer.options());
  FUZZ_CHECK(again.ok(), "Create(options()) failed: " + again.status().ToString());
  FUZZ_CHECK((*again)->Spec() == framer.Spec(), "Create(options()) gives '" +
                                                    absl::CHexEscape((*again)->Spec()) + "' for '" +
                                                    absl::CHexEscape(framer.Spec()) + "'");
}

// ---- Codecs ----

// Whether `v` lies in the codec's domain.
inline bool InDomain(const Codec& codec, uint64_t v) {
  const int bits = codec.value_bits();
  const uint64_t hi =
      codec.is_signed() ? (~uint64_t{0} >> (65 - bits)) : (~uint64_t{0} >> (64 - bits));
  return v <= hi;
}
inline bool InDomain(const Codec& codec, int64_t v) {
  const int bits = codec.value_bits();
  if (codec.is_signed()) {
    const int64_t hi = static_cast<int64_t>(~uint64_t{0} >> (65 - bits));
    return v >= -hi - 1 && v <= hi;
  }
  return v >= 0 && static_cast<uint64_t>(v) <= (~uint64_t{0} >> (64 - bits));
}

// Decodes `bytes` as T through `codec`, checks the byte round trip; returns whether it decoded.
template <typename T>
bool CheckCodecDecode(const Codec& codec, absl::string_view bytes, std::vector<T>* values) {
  const T kSentinel = static_cast<T>(0x5EED5EED);
  std::vector<T> out = {kSentinel};
  const absl::Status s = codec.Decode(bytes, &out);
  FUZZ_CHECK(!out.empty() && out[0] == kSentinel, "Decode did not append (prefix overwritten)");
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument,
               "Decode error code: " + s.ToString());
    FUZZ_CHECK(out.size() == 1, "Decode changed *out on error");
    return false;
  }
  values->assign(out.begin() + 1, out.end());
  std::string again = "pre";
  const absl::Status e = codec.Encode(absl::Span<const T>(*values), &again);
  FUZZ_CHECK(e.ok(), "re-encoding decoded values failed (" + codec.Spec() + "): " + e.ToString() +
                         "\nbytes " + Hex(bytes));
  FUZZ_CHECK(again.substr(3) == bytes,
             absl::StrCat("not canonical (", codec.Spec(), "): bytes ", Hex(bytes), " decode to ",
                          values->size(), " values that encode as ", Hex(again.substr(3))));
  return true;
}

// Encodes `values` through `codec`: succeeds iff all are in the domain, and decodes back.
template <typename T>
void CheckCodecEncode(const Codec& codec, const std::vector<T>& values) {
  bool all_in = true;
  for (T v : values) all_in = all_in && InDomain(codec, v);
  std::string out = "pre";
  const absl::Status s = codec.Encode(absl::Span<const T>(values), &out);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument,
               "Encode error code: " + s.ToString());
    FUZZ_CHECK(out == "pre", "Encode changed *out on error");
    FUZZ_CHECK(!all_in, "Encode refused in-domain values (" + codec.Spec() + "): " + s.ToString());
    return;
  }
  FUZZ_CHECK(all_in, "Encode accepted a value outside the domain (" + codec.Spec() + ")");
  const absl::string_view bytes = absl::string_view(out).substr(3);
  const size_t bound = codec.MaxEncodedSize(values.size());
  FUZZ_CHECK(bound == 0 || bytes.size() <= bound,
             absl::StrCat("encoded ", bytes.size(), " bytes > MaxEncodedSize ", bound));
  std::vector<T> back;
  FUZZ_CHECK(CheckCodecDecode(codec, bytes, &back),
             "encoded values do not decode (" + codec.Spec() + "): " + Hex(bytes));
  FUZZ_CHECK(back == values, "values did not round-trip (" + codec.Spec() + ")");
}

// Values derived from fuzz bytes: raw, small, or sign-extended from 1-8 bytes (domain edges).
template <typename T>
std::vector<T> ValuesFrom(absl::string_view bytes, uint8_t mode) {
  std::vector<T> values;
  const size_t width = 1 + mode % 8;
  for (size_t i = 0; i + width <= bytes.size() && values.size() < 64; i += width) {
    uint64_t v = 0;
    for (size_t k = 0; k < width; ++k) v = (v << 8) | static_cast<uint8_t>(bytes[i + k]);
    if (mode & 0x10) {  // Sign-extend from `width` bytes.
      const int shift = static_cast<int>(64 - 8 * width);
      v = shift == 0 ? v : static_cast<uint64_t>(static_cast<int64_t>(v << shift) >> shift);
    }
    if (mode & 0x20) v %= 300;
    values.push_back(static_cast<T>(v));
  }
  return values;
}

inline void CheckCodec(const Codec& codec, FuzzInput& in) {
  absl::StatusOr<std::unique_ptr<Codec>> again = MakeCodec(codec.Spec());
  FUZZ_CHECK(again.ok() && (*again)->Spec() == codec.Spec(),
             "MakeCodec(Spec()) differs for '" + absl::CHexEscape(codec.Spec()) + "'");
  const uint8_t mode = in.Byte();
  const absl::string_view bytes = in.Rest();

  std::vector<uint64_t> u;
  std::vector<int64_t> s;
  const bool u_ok = CheckCodecDecode(codec, bytes, &u);
  const bool s_ok = CheckCodecDecode(codec, bytes, &s);
  if (u_ok && s_ok) {
    FUZZ_CHECK(u.size() == s.size(), "signed and unsigned decodes differ in count");
    for (size_t i = 0; i < u.size(); ++i) {
      FUZZ_CHECK(u[i] == static_cast<uint64_t>(s[i]), "signed and unsigned decodes differ");
    }
  } else if (u_ok) {
    bool big = false;
    for (uint64_t v : u) big = big || v > static_cast<uint64_t>(INT64_MAX);
    FUZZ_CHECK(big, "DecodeSigned failed but DecodeUnsigned gave only values <= INT64_MAX");
  } else if (s_ok) {
    bool negative = false;
    for (int64_t v : s) negative = negative || v < 0;
    FUZZ_CHECK(negative, "DecodeUnsigned failed but DecodeSigned gave no negative value");
  }
  CheckCodecEncode(codec, ValuesFrom<uint64_t>(bytes, mode));
  CheckCodecEncode(codec, ValuesFrom<int64_t>(bytes, mode));
  if (u_ok) CheckCodecEncode(codec, u);
  if (s_ok) CheckCodecEncode(codec, s);
}

// Unwraps a framer built from fuzzed options: any refusal must be InvalidArgument.
template <typename T>
const T* FramerOrNull(const absl::StatusOr<std::unique_ptr<T>>& framer) {
  if (!framer.ok()) {
    FUZZ_CHECK(framer.status().code() == absl::StatusCode::kInvalidArgument,
               "Create refused options with " + framer.status().ToString());
    return nullptr;
  }
  return framer->get();
}

}  // namespace fuzz
}  // namespace framekit

#endif  // FRAMEKIT_FUZZ_FUZZ_HELPERS_H_

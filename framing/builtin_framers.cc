// framekit's own framer kinds, as FramerKind values that the registry adds exactly as it adds a
// user's: each is a name, its keys (with default and bounds, shown in errors) and a factory that
// reads them strictly and calls the framer's Create(), which validates the combination.
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "framekit/framing/ascii_length_framer.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/framer_registry.h"
#include "framekit/framing/length_header_framer.h"
#include "framekit/framing/netstring_framer.h"

namespace framekit {
namespace {

// Unwraps a StatusOr into `target`, or returns its error from the enclosing factory.
#define FRAMEKIT_ASSIGN_SETTING(target, expr)     \
  do {                                            \
    auto value_or = (expr);                       \
    if (!value_or.ok()) return value_or.status(); \
    target = *std::move(value_or);                \
  } while (0)

template <typename F>
absl::StatusOr<std::unique_ptr<Framer>> Upcast(absl::StatusOr<std::unique_ptr<F>> framer) {
  if (!framer.ok()) return framer.status();
  return std::unique_ptr<Framer>(*std::move(framer));
}

const FramerKeyInfo kMaxKey = {"max", "largest payload in bytes (KiB/MiB/GiB); default 1MiB"};
const FramerKeyInfo kTooLongKey = {
    "too_long", "fail (default: refuse all further input) or skip (report, discard, go on)"};

FramerKind DelimiterKind() {
  FramerKind kind;
  kind.name = "delimiter";
  kind.summary = "frames end with a delimiter byte sequence (default \\n), stripped on decode";
  kind.keys = {{"delim",
                "delimiter bytes, escapes \\n \\r \\t \\0 \\\\ \\xHH; repeat for several "
                "(earliest match wins; the first is written); 1-16 bytes; default \\n",
                true},
               kMaxKey,
               kTooLongKey};
  kind.factory = [](const FramerSettings& s) -> absl::StatusOr<std::unique_ptr<Framer>> {
    DelimiterOptions o;
    std::vector<std::string> delims;
    FRAMEKIT_ASSIGN_SETTING(delims, s.GetBytesList("delim"));
    if (!delims.empty()) o.delimiters = std::move(delims);
    FRAMEKIT_ASSIGN_SETTING(o.max_frame_size, s.GetSize("max", kDefaultMaxFrameSize));
    FRAMEKIT_ASSIGN_SETTING(o.on_too_long, s.GetTooLongPolicy());
    return Upcast(DelimiterFramer::Create(std::move(o)));
  };
  return kind;
}

FramerKind FixedKind() {
  FramerKind kind;
  kind.name = "fixed";
  kind.summary = "every frame exactly `size` bytes";
  kind.keys = {{"size", "frame size in bytes (KiB/MiB/GiB); required; 1..max"},
               {"pad",
                "byte that pads short payloads (0xHH, 0-255 or one character), or none "
                "(default: short payloads are refused)"},
               kMaxKey};
  kind.factory = [](const FramerSettings& s) -> absl::StatusOr<std::unique_ptr<Framer>> {
    FixedLengthOptions o;
    if (!s.Has("size")) return s.BadValue("size", "required, e.g. fixed:size=16");
    FRAMEKIT_ASSIGN_SETTING(o.frame_size, s.GetSize("size", 0));
    if (o.frame_size == 0) return s.BadValue("size", "must be at least 1");
    if (s.GetText("pad", "none") != "none") {
      uint8_t byte = 0;
      FRAMEKIT_ASSIGN_SETTING(byte, s.GetByte("pad", 0));
      o.pad = byte;
    }
    FRAMEKIT_ASSIGN_SETTING(o.max_frame_size, s.GetSize("max", kDefaultMaxFrameSize));
    return Upcast(FixedLengthFramer::Create(std::move(o)));
  };
  return kind;
}

FramerKind LengthKind() {
  FramerKind kind;
  kind.name = "length";
  kind.summary = "binary length prefix (1/2/4/8 bytes, big or little endian, or varint)";
  kind.keys = {{"width", "length field: 1, 2, 4, 8 or varint (LEB128, <= 10 bytes); default 4"},
               {"order", "big (network order, default) or little; ignored for varint"},
               {"offset", "bytes before the length field, written as zeros; 0-16; default 0"},
               {"adjust",
                "added to the field to get the payload length (e.g. -4 when the field "
                "counts itself); default 0"},
               {"strip", "header bytes removed from delivered frames: all (default) or 0..header"},
               kMaxKey,
               kTooLongKey};
  kind.factory = [](const FramerSettings& s) -> absl::StatusOr<std::unique_ptr<Framer>> {
    LengthHeaderOptions o;
    std::string width;
    FRAMEKIT_ASSIGN_SETTING(width, s.GetChoice("width", "4", {"1", "2", "4", "8", "varint"}));
    o.width = width == "varint" ? kVarintWidth : std::stoi(width);
    std::string order;
    FRAMEKIT_ASSIGN_SETTING(order, s.GetChoice("order", "big", {"big", "little"}));
    o.order = order == "big" ? ByteOrder::kBig : ByteOrder::kLittle;
    uint64_t offset = 0;
    FRAMEKIT_ASSIGN_SETTING(offset, s.GetUnsigned("offset", 0, 0, 16));
    o.length_offset = static_cast<size_t>(offset);
    FRAMEKIT_ASSIGN_SETTING(o.length_adjustment, s.GetSigned("adjust", 0));
    if (s.GetText("strip", "all") != "all") {
      uint64_t n = 0;
      FRAMEKIT_ASSIGN_SETTING(n, s.GetUnsigned("strip", 0, 0, 64));
      o.strip = static_cast<size_t>(n);
    }
    FRAMEKIT_ASSIGN_SETTING(o.max_frame_size, s.GetSize("max", kDefaultMaxFrameSize));
    FRAMEKIT_ASSIGN_SETTING(o.on_too_long, s.GetTooLongPolicy());
    return Upcast(LengthHeaderFramer::Create(std::move(o)));
  };
  return kind;
}

FramerKind AsciiKind() {
  FramerKind kind;
  kind.name = "ascii";
  kind.summary = "fixed-width zero-padded decimal length header (the Socket HOWTO's 00005hello)";
  kind.keys = {{"digits", "header digits, 1-20; default 5"}, kMaxKey, kTooLongKey};
  kind.factory = [](const FramerSettings& s) -> absl::StatusOr<std::unique_ptr<Framer>> {
    AsciiLengthOptions o;
    uint64_t digits = 0;
    FRAMEKIT_ASSIGN_SETTING(digits, s.GetUnsigned("digits", 5, 1, 20));
    o.digits = static_cast<int>(digits);
    FRAMEKIT_ASSIGN_SETTING(o.max_frame_size, s.GetSize("max", kDefaultMaxFrameSize));
    FRAMEKIT_ASSIGN_SETTING(o.on_too_long, s.GetTooLongPolicy());
    return Upcast(AsciiLengthFramer::Create(std::move(o)));
  };
  return kind;
}

FramerKind NetstringKind() {
  FramerKind kind;
  kind.name = "netstring";
  kind.summary = "D. J. Bernstein's netstrings: 5:hello,";
  kind.keys = {kMaxKey, kTooLongKey};
  kind.factory = [](const FramerSettings& s) -> absl::StatusOr<std::unique_ptr<Framer>> {
    NetstringOptions o;
    FRAMEKIT_ASSIGN_SETTING(o.max_frame_size, s.GetSize("max", kDefaultMaxFrameSize));
    FRAMEKIT_ASSIGN_SETTING(o.on_too_long, s.GetTooLongPolicy());
    return Upcast(NetstringFramer::Create(std::move(o)));
  };
  return kind;
}

#undef FRAMEKIT_ASSIGN_SETTING

}  // namespace

std::vector<FramerKind> BuiltinFramerKinds() {
  return {AsciiKind(), DelimiterKind(), FixedKind(), LengthKind(), NetstringKind()};
}

}  // namespace framekit

// Fuzz target: the spec and config parsers. The first byte picks what the rest is:
//   0: a framer spec        MakeFramer(s) either fails with InvalidArgument or builds a framer of
//                           the kind the spec names whose Spec() re-parses to an equal framer (and
//                           a Spec() that is a fixed point). The same settings written as a config
//                           file (when they can be: no whitespace, no '#') give the same outcome.
//   1: a framer config file ParseFramerConfig(s) either fails with InvalidArgument or gives
//                           settings for which MakeFramer fails with InvalidArgument or builds a
//                           framer whose Spec() re-parses to an equal framer.
//   2: a codec spec         MakeCodec(s) either fails with InvalidArgument or builds a codec whose
//                           Spec() rebuilds an equal codec.
// With the high bit of the first byte set, the text ends at the first 0xFF byte and a framer built
// from it also goes through CheckFramer (fuzz_helpers.h) on the bytes after it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/framing/framer_registry.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/fuzz/fuzz_helpers.h"

using framekit::fuzz::FuzzInput;

namespace {

std::string Quote(absl::string_view s) { return "'" + absl::CHexEscape(s) + "'"; }

// Checks a MakeFramer result; returns the framer or null.
const framekit::Framer* CheckMade(const absl::StatusOr<std::unique_ptr<framekit::Framer>>& made,
                                  absl::string_view text) {
  if (!made.ok()) {
    FUZZ_CHECK(made.status().code() == absl::StatusCode::kInvalidArgument,
               "MakeFramer(" + Quote(text) + "): " + made.status().ToString());
    return nullptr;
  }
  framekit::fuzz::CheckSpecRoundTrip(**made);
  return made->get();
}

// The framer config text for settings, or "" when they cannot be written as one.
std::string AsConfig(const framekit::FramerSettings& settings) {
  auto writable = [](absl::string_view s, bool key) {
    for (char c : s) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '\0') return false;
      if (key && c == '=') return false;
    }
    return !key || (!s.empty() && s[0] != '#' && s != "kind");
  };
  if (!writable(settings.kind(), false) || settings.kind().find('=') != std::string::npos) {
    return "";
  }
  std::string text = "kind = " + settings.kind() + "\n";
  for (const auto& kv : settings.values()) {
    if (!writable(kv.first, true) || !writable(kv.second, false)) return "";
    text += "  " + kv.first + " = " + kv.second + "\n";
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  const uint8_t mode = in.Byte();
  absl::string_view text = in.Rest();
  absl::string_view stream;
  if (mode & 0x80) {
    const size_t end = text.find('\xff');
    if (end != absl::string_view::npos) {
      stream = text.substr(end + 1);
      text = text.substr(0, end);
    }
  }
  std::unique_ptr<framekit::Framer> keep;
  switch (mode % 3) {
    case 0: {
      absl::StatusOr<std::unique_ptr<framekit::Framer>> made = framekit::MakeFramer(text);
      if (CheckMade(made, text) != nullptr) {
        const absl::string_view kind = text.substr(0, text.find(':'));
        FUZZ_CHECK((*made)->kind() == kind,
                   "kind " + std::string((*made)->kind()) + " for spec " + Quote(text));
      }
      absl::StatusOr<framekit::FramerSettings> settings = framekit::ParseFramerSpec(text);
      if (settings.ok()) {
        const std::string config = AsConfig(*settings);
        if (!config.empty()) {
          absl::StatusOr<framekit::FramerSettings> parsed = framekit::ParseFramerConfig(config);
          FUZZ_CHECK(parsed.ok(), "config " + Quote(config) + " of spec " + Quote(text) +
                                      " does not parse: " + parsed.status().ToString());
          FUZZ_CHECK(parsed->kind() == settings->kind() && parsed->values() == settings->values(),
                     "config " + Quote(config) + " parses differently from spec " + Quote(text));
          absl::StatusOr<std::unique_ptr<framekit::Framer>> from_config =
              framekit::MakeFramer(*parsed);
          FUZZ_CHECK(from_config.ok() == made.ok(), "spec and config disagree for " + Quote(text));
          if (made.ok()) FUZZ_CHECK(**from_config == **made, "spec and config framers differ");
        }
      } else {
        FUZZ_CHECK(!made.ok() && settings.status().code() == absl::StatusCode::kInvalidArgument,
                   "ParseFramerSpec failed but MakeFramer did not, for " + Quote(text));
      }
      if (made.ok()) keep = *std::move(made);
      break;
    }
    case 1: {
      absl::StatusOr<framekit::FramerSettings> settings = framekit::ParseFramerConfig(text);
      if (!settings.ok()) {
        FUZZ_CHECK(settings.status().code() == absl::StatusCode::kInvalidArgument,
                   "ParseFramerConfig: " + settings.status().ToString());
        break;
      }
      absl::StatusOr<std::unique_ptr<framekit::Framer>> made = framekit::MakeFramer(*settings);
      if (CheckMade(made, text) != nullptr) keep = *std::move(made);
      break;
    }
    default: {
      absl::StatusOr<std::unique_ptr<framekit::Codec>> codec = framekit::MakeCodec(text);
      if (!codec.ok()) {
        FUZZ_CHECK(codec.status().code() == absl::StatusCode::kInvalidArgument,
                   "MakeCodec(" + Quote(text) + "): " + codec.status().ToString());
        break;
      }
      const std::string spec = (*codec)->Spec();
      absl::StatusOr<std::unique_ptr<framekit::Codec>> again = framekit::MakeCodec(spec);
      FUZZ_CHECK(again.ok() && (*again)->Spec() == spec,
                 "codec Spec() " + Quote(spec) + " does not rebuild an equal codec");
      FUZZ_CHECK((*codec)->name() == text.substr(0, text.find(':')),
                 "codec name differs from spec " + Quote(text));
      break;
    }
  }
  if (keep != nullptr && !stream.empty()) {
    // Generic traits: any framer; frames bounded by max + the largest header (length, strip=0).
    framekit::fuzz::FramerTraits traits;
    traits.max_frame_bytes = keep->max_payload_size() + 26;
    traits.max_overhead = keep->kind() == "fixed" ? keep->max_payload_size() : 32;
    const framekit::Framer* framer = keep.get();
    traits.expected_frame = [framer](absl::string_view payload, absl::string_view encoded) {
      // Fixed keeps its padding; a length framer with a partial strip keeps header bytes; the
      // rest deliver the payload. Spec() says which.
      if (framer->kind() == "fixed") return std::string(encoded);
      const std::string spec = framer->Spec();
      if (framer->kind() == "length" && spec.find("strip=all") == std::string::npos) {
        const size_t at = spec.find("strip=") + 6;
        return std::string(encoded.substr(std::stoul(spec.substr(at))));
      }
      return std::string(payload);
    };
    FuzzInput rest(reinterpret_cast<const uint8_t*>(stream.data()), stream.size());
    framekit::fuzz::CheckFramer(*framer, traits, rest);
  }
  return 0;
}

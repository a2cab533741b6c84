#include "framekit/codecs/codec_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/spec/spec_parser.h"

namespace framekit {

CodecRegistry& CodecRegistry::Global() {
  // Built-ins are registered on first use rather than by static initialisers, which a static link
  // may drop and whose order is unspecified.
  static CodecRegistry* registry = [] {
    auto* r = new CodecRegistry;
    absl::Status s = RegisterBuiltinCodecs(*r);
    (void)s;  // Cannot fail on an empty registry.
    return r;
  }();
  return *registry;
}

absl::Status CodecRegistry::Register(std::string name, std::string summary,
                                     std::vector<CodecKeyInfo> keys, CodecFactory factory) {
  CodecKind kind;
  kind.name = std::move(name);
  kind.summary = std::move(summary);
  kind.keys = std::move(keys);
  kind.factory = std::move(factory);
  return Register(std::move(kind));
}

absl::StatusOr<std::unique_ptr<Codec>> CodecRegistry::Make(absl::string_view spec) const {
  absl::StatusOr<CodecSettings> settings = ParseCodecSpec(spec);
  if (!settings.ok()) return settings.status();
  return Make(*settings);
}

absl::StatusOr<CodecSettings> ParseCodecSpec(absl::string_view spec) {
  absl::StatusOr<SpecSettings> settings = ParseSpec(kCodecGrammar, spec);
  if (!settings.ok()) return settings.status();
  return CodecSettings(*std::move(settings));
}

absl::StatusOr<CodecSettings> ParseCodecConfig(absl::string_view text) {
  absl::StatusOr<SpecSettings> settings = ParseSpecConfig(kCodecGrammar, text);
  if (!settings.ok()) return settings.status();
  return CodecSettings(*std::move(settings));
}

absl::Status RegisterCodecKind(CodecKind kind) {
  return CodecRegistry::Global().Register(std::move(kind));
}

absl::Status RegisterCodecKind(std::string name, std::string summary,
                               std::vector<CodecKeyInfo> keys, CodecFactory factory) {
  return CodecRegistry::Global().Register(std::move(name), std::move(summary), std::move(keys),
                                          std::move(factory));
}

std::vector<CodecKind> RegisteredCodecKinds() { return CodecRegistry::Global().Kinds(); }

absl::StatusOr<std::unique_ptr<Codec>> MakeCodec(absl::string_view spec) {
  return CodecRegistry::Global().Make(spec);
}

absl::StatusOr<std::unique_ptr<Codec>> MakeCodec(const CodecSettings& settings) {
  return CodecRegistry::Global().Make(settings);
}

absl::StatusOr<std::unique_ptr<Codec>> MakeCodecFromConfigFile(const std::string& path) {
  absl::StatusOr<SpecSettings> settings = ReadSpecConfigFile(kCodecGrammar, path);
  if (!settings.ok()) return settings.status();
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec(CodecSettings(*std::move(settings)));
  if (!codec.ok()) {  // A bad name, key or value: say which file, keep the code.
    return absl::Status(codec.status().code(), absl::StrCat(path, ": ", codec.status().message()));
  }
  return codec;
}

}  // namespace framekit

// framekit/codecs/codec_registry.h
//
// Codecs by name. A codec kind is a name ("varint"), a one-line summary, the keys its spec accepts
// (each with help text: meaning, default, bounds) and a factory that builds a Codec from validated
// settings. framekit's own kinds (binary, ascii, varint, groupvarint) are registered through this
// same interface, into the global registry on its first use; a user registers theirs once at
// start-up, before building codecs from specs that name it.
//
// Spec grammar:   NAME[:KEY=VALUE[,KEY=VALUE]...]
//   binary        binary:width=4        binary:width=2,signed=true
//   ascii         ascii:sep=\n          ascii:sep=\x2C,signed=true      ascii:sep=|
//   varint        varint:zigzag=true    groupvarint     groupvarint:zigzag=true
// Values are taken as written up to the next ','; bytes take \n \r \t \0 \\ \xHH escapes (write a
// literal ',' as \x2C, '=' as \x3D, a space as \x20); booleans are true/false (also yes/no, 1/0).
// No spaces; no empty items; each key at most once.
//
// The registry (spec/spec_registry.h, shared with framers) checks what every kind needs checked, so
// factories never see it: the name exists, each key is one the kind declared and appears once, a
// factory's OK result is not null. Errors are InvalidArgument naming the offender and listing what
// is valid:
//   "unknown codec 'bin'; valid codecs: ascii, binary, groupvarint, varint"
//   "binary: unknown key 'wdth'; valid keys: width, signed"
//   "binary: bad value for 'width' ('3'): expected one of: 2, 4, 8"
//
// Example (a user codec):
//   absl::Status s = RegisterCodecKind(
//       "fixed32le", "4-byte little-endian unsigned", {},
//       [](const CodecSettings&) -> absl::StatusOr<std::unique_ptr<Codec>> {
//         return std::make_unique<Fixed32LeCodec>();
//       });
//   absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("fixed32le");
#ifndef FRAMEKIT_CODECS_CODEC_REGISTRY_H_
#define FRAMEKIT_CODECS_CODEC_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/codecs/codec.h"
#include "framekit/spec/spec_registry.h"
#include "framekit/spec/spec_settings.h"

namespace framekit {

// One `key=value` a kind accepts (name, help).
using CodecKeyInfo = SpecKeyInfo;

// The settings of one codec spec: the codec name and its key/value pairs in the order given. The
// typed getters (GetBool, GetByte, GetUnsigned, GetChoice, ...) and their errors, "NAME: bad value
// for 'KEY' ('VALUE'): ...", are SpecSettings' (spec/spec_settings.h), shared with framers.
class CodecSettings : public SpecSettings {
 public:
  CodecSettings(std::string name, std::vector<std::pair<std::string, std::string>> values)
      : SpecSettings(std::move(name), std::move(values)) {}
  explicit CodecSettings(SpecSettings settings) : SpecSettings(std::move(settings)) {}
};

// A codec kind: name, summary, keys and factory (spec/spec_registry.h).
using CodecKind = SpecKind<Codec, CodecSettings>;
using CodecFactory = CodecKind::Factory;

// A set of codec kinds: the registry framers use too (spec/spec_registry.h), with codec words in
// its errors. Thread-safe. Most code uses the global one through the free functions below; a
// separate registry (initially empty) suits tests and plugins that want isolation.
class CodecRegistry : public SpecRegistry<Codec, CodecSettings> {
 public:
  CodecRegistry() : SpecRegistry(kCodecGrammar) {}

  // The process-wide registry, holding the built-in kinds from its first use on.
  static CodecRegistry& Global();

  using SpecRegistry::Register;
  absl::Status Register(std::string name, std::string summary, std::vector<CodecKeyInfo> keys,
                        CodecFactory factory);

  using SpecRegistry::Make;
  absl::StatusOr<std::unique_ptr<Codec>> Make(absl::string_view spec) const;
};

// Registers binary, ascii, varint and groupvarint into `registry` (the global registry does this
// itself). AlreadyExists if one of the names is taken.
absl::Status RegisterBuiltinCodecs(CodecRegistry& registry);

// Parses a spec string into settings (syntax only; Make checks names, keys and values).
absl::StatusOr<CodecSettings> ParseCodecSpec(absl::string_view spec);

// Parses the text of a config file (spec/spec_parser.h): `name = varint` and one `KEY = VALUE`
// per line.
absl::StatusOr<CodecSettings> ParseCodecConfig(absl::string_view text);

// The global registry's operations.
absl::Status RegisterCodecKind(CodecKind kind);
absl::Status RegisterCodecKind(std::string name, std::string summary,
                               std::vector<CodecKeyInfo> keys, CodecFactory factory);
std::vector<CodecKind> RegisteredCodecKinds();
absl::StatusOr<std::unique_ptr<Codec>> MakeCodec(absl::string_view spec);
absl::StatusOr<std::unique_ptr<Codec>> MakeCodec(const CodecSettings& settings);
// Builds a codec from the config file at `path`. NotFound if it cannot be read; any other error
// keeps its code and starts with the path.
absl::StatusOr<std::unique_ptr<Codec>> MakeCodecFromConfigFile(const std::string& path);

}  // namespace framekit

#endif  // FRAMEKIT_CODECS_CODEC_REGISTRY_H_

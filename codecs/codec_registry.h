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
// The registry checks what every kind needs checked, so factories never see it: the name exists,
// each key is one the kind declared and appears once. Errors are InvalidArgument naming the
// offender and listing what is valid:
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

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "framekit/codecs/codec.h"
#include "framekit/framing/spec_settings.h"

namespace framekit {

// One `key=value` a kind accepts.
struct CodecKeyInfo {
  std::string name;
  std::string help;  // Meaning, default and bounds, for error messages and --help.
};

// The settings of one codec spec: the codec name and its key/value pairs in the order given. The
// typed getters (GetBool, GetByte, GetUnsigned, GetChoice, ...) and their errors, "NAME: bad value
// for 'KEY' ('VALUE'): ...", are SpecSettings' (framing/spec_settings.h), shared with framers.
class CodecSettings : public SpecSettings {
 public:
  CodecSettings(std::string name, std::vector<std::pair<std::string, std::string>> values)
      : SpecSettings(std::move(name), std::move(values)) {}

  const std::string& name() const { return spec_name(); }
};

using CodecFactory =
    std::function<absl::StatusOr<std::unique_ptr<Codec>>(const CodecSettings& settings)>;

struct CodecKind {
  std::string name;     // [a-z0-9_]+, unique within a registry.
  std::string summary;  // One line.
  std::vector<CodecKeyInfo> keys;
  CodecFactory factory;
};

// A set of codec kinds. Thread-safe. Most code uses the global one through the free functions
// below; a separate registry (initially empty) suits tests and plugins that want isolation.
class CodecRegistry {
 public:
  CodecRegistry() = default;
  CodecRegistry(const CodecRegistry&) = delete;
  CodecRegistry& operator=(const CodecRegistry&) = delete;

  // The process-wide registry, holding the built-in kinds from its first use on.
  static CodecRegistry& Global();

  // Adds a kind. AlreadyExists if the name is taken; InvalidArgument for a bad or duplicate name
  // (of the kind or of one of its keys) or a missing factory.
  absl::Status Register(CodecKind kind);
  absl::Status Register(std::string name, std::string summary, std::vector<CodecKeyInfo> keys,
                        CodecFactory factory);

  // The registered kinds, sorted by name.
  std::vector<CodecKind> Kinds() const;

  // Builds a codec: checks the name and keys, then calls the kind's factory (without the lock).
  absl::StatusOr<std::unique_ptr<Codec>> Make(const CodecSettings& settings) const;
  absl::StatusOr<std::unique_ptr<Codec>> Make(absl::string_view spec) const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, CodecKind, std::less<>> kinds_ ABSL_GUARDED_BY(mu_);
};

// Registers binary, ascii, varint and groupvarint into `registry` (the global registry does this
// itself). AlreadyExists if one of the names is taken.
absl::Status RegisterBuiltinCodecs(CodecRegistry& registry);

// Parses a spec string into settings (syntax only; Make checks names, keys and values).
absl::StatusOr<CodecSettings> ParseCodecSpec(absl::string_view spec);

// The global registry's operations.
absl::Status RegisterCodecKind(CodecKind kind);
absl::Status RegisterCodecKind(std::string name, std::string summary,
                               std::vector<CodecKeyInfo> keys, CodecFactory factory);
std::vector<CodecKind> RegisteredCodecKinds();
absl::StatusOr<std::unique_ptr<Codec>> MakeCodec(absl::string_view spec);
absl::StatusOr<std::unique_ptr<Codec>> MakeCodec(const CodecSettings& settings);

}  // namespace framekit

#endif  // FRAMEKIT_CODECS_CODEC_REGISTRY_H_

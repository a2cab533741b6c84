// framekit/transforms/transform_registry.h
//
// Transforms by name, through the registry framers and codecs use (spec/spec_registry.h). A kind is
// a name ("zstd"), a one-line summary, the keys its spec accepts (with help text) and a factory.
// framekit's own kinds (zstd, lz4, snappy, deflate) are registered through this same interface,
// into the global registry on its first use; a user registers theirs once at start-up.
//
// Spec grammar (spec/spec_parser.h, as for framers and codecs):   NAME[:KEY=VALUE[,KEY=VALUE]...]
//   zstd      zstd:level=3,max=64MiB     level -7..-1 (fast) or 1..22; default 3
//   lz4       lz4:level=0,max=64MiB      level 0 (fast) or 1..12 (high compression); default 0
//   snappy    snappy:max=64MiB
//   deflate   deflate:level=6,max=64MiB  level 0..9; default 6
// `max` is the largest decompressed payload, a size with an optional KiB/MiB/GiB suffix, at least
// 1; default 64MiB (kDefaultMaxDecompressedSize).
//
// Transforms compose with a codec or a framer by stages separated by '|' (one grammar for both):
// "varint|zstd:level=3" (transformed_codec.h), "length:width=4|lz4" (transformed_framer.h).
//
// Errors are InvalidArgument naming the offender and listing what is valid:
//   "unknown transform 'zstdd'; valid transforms: deflate, lz4, snappy, zstd"
//   "zstd: unknown key 'lvl'; valid keys: level, max"
//   "zstd: bad value for 'level' ('23'): expected -7..-1 or 1..22"
//
// Example:
//   absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform("deflate:level=9,max=1MiB");
//   // (*t)->Spec() == "deflate:level=9,max=1MiB"
#ifndef FRAMEKIT_TRANSFORMS_TRANSFORM_REGISTRY_H_
#define FRAMEKIT_TRANSFORMS_TRANSFORM_REGISTRY_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/spec/spec_parser.h"
#include "framekit/spec/spec_registry.h"
#include "framekit/spec/spec_settings.h"
#include "framekit/transforms/transform.h"

namespace framekit {

inline constexpr SpecGrammar kTransformGrammar = {"transform", "name", "transform", "transforms"};

// One `key=value` a kind accepts (name, help).
using TransformKeyInfo = SpecKeyInfo;

// The settings of one transform spec; the typed getters and their errors are SpecSettings'.
class TransformSettings : public SpecSettings {
 public:
  TransformSettings(std::string name, std::vector<std::pair<std::string, std::string>> values)
      : SpecSettings(std::move(name), std::move(values)) {}
  explicit TransformSettings(SpecSettings settings) : SpecSettings(std::move(settings)) {}
};

using TransformKind = SpecKind<Transform, TransformSettings>;
using TransformFactory = TransformKind::Factory;

// A set of transform kinds (spec/spec_registry.h), with transform words in its errors.
// Thread-safe. A separate registry (initially empty) suits tests and plugins.
class TransformRegistry : public SpecRegistry<Transform, TransformSettings> {
 public:
  TransformRegistry() : SpecRegistry(kTransformGrammar) {}

  // The process-wide registry, holding the built-in kinds from its first use on.
  static TransformRegistry& Global();

  using SpecRegistry::Make;
  absl::StatusOr<std::unique_ptr<Transform>> Make(absl::string_view spec) const;
};

// Registers zstd, lz4, snappy and deflate into `registry`. AlreadyExists if a name is taken.
absl::Status RegisterBuiltinTransforms(TransformRegistry& registry);

// Parses a spec string into settings (syntax only; Make checks names, keys and values).
absl::StatusOr<TransformSettings> ParseTransformSpec(absl::string_view spec);

// The global registry's operations.
absl::Status RegisterTransformKind(TransformKind kind);
std::vector<TransformKind> RegisteredTransformKinds();
absl::StatusOr<std::unique_ptr<Transform>> MakeTransform(absl::string_view spec);
absl::StatusOr<std::unique_ptr<Transform>> MakeTransform(const TransformSettings& settings);

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_TRANSFORM_REGISTRY_H_

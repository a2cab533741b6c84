#include "framekit/transforms/transform_registry.h"

#include <utility>

#include "framekit/spec/spec_parser.h"

namespace framekit {

TransformRegistry& TransformRegistry::Global() {
  // Built-ins are registered on first use rather than by static initialisers, which a static link
  // may drop and whose order is unspecified.
  static TransformRegistry* registry = [] {
    auto* r = new TransformRegistry;
    absl::Status s = RegisterBuiltinTransforms(*r);
    (void)s;  // Cannot fail on an empty registry.
    return r;
  }();
  return *registry;
}

absl::StatusOr<std::unique_ptr<Transform>> TransformRegistry::Make(absl::string_view spec) const {
  absl::StatusOr<TransformSettings> settings = ParseTransformSpec(spec);
  if (!settings.ok()) return settings.status();
  return Make(*settings);
}

absl::StatusOr<TransformSettings> ParseTransformSpec(absl::string_view spec) {
  absl::StatusOr<SpecSettings> settings = ParseSpec(kTransformGrammar, spec);
  if (!settings.ok()) return settings.status();
  return TransformSettings(*std::move(settings));
}

absl::Status RegisterTransformKind(TransformKind kind) {
  return TransformRegistry::Global().Register(std::move(kind));
}

std::vector<TransformKind> RegisteredTransformKinds() {
  return TransformRegistry::Global().Kinds();
}

absl::StatusOr<std::unique_ptr<Transform>> MakeTransform(absl::string_view spec) {
  return TransformRegistry::Global().Make(spec);
}

absl::StatusOr<std::unique_ptr<Transform>> MakeTransform(const TransformSettings& settings) {
  return TransformRegistry::Global().Make(settings);
}

}  // namespace framekit

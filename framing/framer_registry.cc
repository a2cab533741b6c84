#include "framekit/framing/framer_registry.h"

#include <utility>

namespace framekit {

// Defined in builtin_framers.cc: delimiter, fixed, length, ascii and netstring.
std::vector<FramerKind> BuiltinFramerKinds();

namespace {

using Registry = SpecRegistry<Framer, FramerSettings>;

// Built-ins go through Register, like user kinds, on first use of the registry rather than from
// static initialisers (which a static link may drop, in an unspecified order).
Registry& InitializedRegistry() {
  static Registry* registry = [] {
    Registry* r = new Registry(kFramerGrammar);
    for (FramerKind& kind : BuiltinFramerKinds()) {
      absl::Status added = r->Register(std::move(kind));
      (void)added;  // Built-in names are distinct and valid; framer_spec_test checks they all load.
    }
    return r;
  }();
  return *registry;
}

}  // namespace

absl::StatusOr<TooLongPolicy> FramerSettings::GetTooLongPolicy() const {
  absl::StatusOr<std::string> policy = GetChoice("too_long", "fail", {"fail", "skip"});
  if (!policy.ok()) return policy.status();
  return *policy == "skip" ? TooLongPolicy::kSkip : TooLongPolicy::kFail;
}

absl::Status RegisterFramerKind(FramerKind kind) {
  return InitializedRegistry().Register(std::move(kind));
}

std::vector<FramerKind> RegisteredFramerKinds() { return InitializedRegistry().Kinds(); }

absl::StatusOr<std::unique_ptr<Framer>> MakeFramer(const FramerSettings& settings) {
  return InitializedRegistry().Make(settings);
}

}  // namespace framekit

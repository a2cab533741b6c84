#include "framekit/framing/framer_registry.h"

#include <algorithm>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "framekit/framing/spec_values.h"

namespace framekit {

// Defined in builtin_framers.cc: delimiter, fixed, length, ascii and netstring.
std::vector<FramerKind> BuiltinFramerKinds();

namespace {

struct Registry {
  absl::Mutex mu;
  std::map<std::string, FramerKind, std::less<>> kinds ABSL_GUARDED_BY(mu);
};

absl::Status AddKind(Registry& registry, FramerKind kind);

// Built-ins go through AddKind, like user kinds, on first use of the registry rather than from
// static initialisers (which a static link may drop, in an unspecified order).
Registry& InitializedRegistry() {
  static Registry* registry = [] {
    Registry* r = new Registry;
    for (FramerKind& kind : BuiltinFramerKinds()) {
      absl::Status added = AddKind(*r, std::move(kind));
      (void)added;  // Built-in names are distinct and valid; framer_spec_test checks they all load.
    }
    return r;
  }();
  return *registry;
}

bool ValidKindName(absl::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string KeyList(const FramerKind& kind) {
  std::vector<std::string> names;
  for (const FramerKeyInfo& key : kind.keys) names.push_back(key.name);
  return names.empty() ? "(none)" : absl::StrJoin(names, ", ");
}

}  // namespace

absl::StatusOr<TooLongPolicy> FramerSettings::GetTooLongPolicy() const {
  absl::StatusOr<std::string> policy = GetChoice("too_long", "fail", {"fail", "skip"});
  if (!policy.ok()) return policy.status();
  return *policy == "skip" ? TooLongPolicy::kSkip : TooLongPolicy::kFail;
}

namespace {

absl::Status AddKind(Registry& registry, FramerKind kind) {
  if (!ValidKindName(kind.name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("framer kind name '", kind.name, "' must be non-empty [a-z0-9_]"));
  }
  if (!kind.factory) {
    return absl::InvalidArgumentError(absl::StrCat("framer kind '", kind.name, "' has no factory"));
  }
  absl::MutexLock lock(&registry.mu);
  if (registry.kinds.count(kind.name) != 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("framer kind '", kind.name, "' is already registered"));
  }
  std::string name = kind.name;
  registry.kinds.emplace(std::move(name), std::move(kind));
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterFramerKind(FramerKind kind) {
  return AddKind(InitializedRegistry(), std::move(kind));
}

std::vector<FramerKind> RegisteredFramerKinds() {
  Registry& registry = InitializedRegistry();
  absl::MutexLock lock(&registry.mu);
  std::vector<FramerKind> out;
  for (const auto& entry : registry.kinds) out.push_back(entry.second);
  return out;
}

absl::StatusOr<std::unique_ptr<Framer>> MakeFramer(const FramerSettings& settings) {
  Registry& registry = InitializedRegistry();
  FramerKind kind;
  {
    absl::MutexLock lock(&registry.mu);
    auto it = registry.kinds.find(settings.kind());
    if (it == registry.kinds.end()) {
      std::vector<std::string> names;
      for (const auto& entry : registry.kinds) names.push_back(entry.first);
      return absl::InvalidArgumentError(absl::StrCat("unknown framer kind '", settings.kind(),
                                                     "'; valid kinds: ",
                                                     absl::StrJoin(names, ", ")));
    }
    kind = it->second;  // Copied so the factory runs without the lock.
  }
  for (size_t i = 0; i < settings.values().size(); ++i) {
    const std::string& key = settings.values()[i].first;
    auto info = std::find_if(kind.keys.begin(), kind.keys.end(),
                             [&](const FramerKeyInfo& k) { return k.name == key; });
    if (info == kind.keys.end()) {
      return absl::InvalidArgumentError(absl::StrCat(kind.name, ": unknown key '", key,
                                                     "'; valid keys: ", KeyList(kind)));
    }
    if (!info->repeatable) {
      for (size_t j = 0; j < i; ++j) {
        if (settings.values()[j].first == key) {
          return absl::InvalidArgumentError(
              absl::StrCat(kind.name, ": key '", key, "' given more than once"));
        }
      }
    }
  }
  return kind.factory(settings);
}

}  // namespace framekit

#include "framekit/spec/spec_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace framekit {
namespace spec_internal {
namespace {

bool ValidName(absl::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string KeyList(const std::vector<SpecKeyInfo>& keys) {
  std::vector<std::string> names;
  for (const SpecKeyInfo& key : keys) names.push_back(key.name);
  return names.empty() ? "(none)" : absl::StrJoin(names, ", ");
}

}  // namespace

absl::Status CheckKind(const SpecGrammar& grammar, absl::string_view name,
                       const std::vector<SpecKeyInfo>& keys, bool has_factory) {
  if (!ValidName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat(grammar.kind, " name '", name, "' must be non-empty [a-z0-9_]"));
  }
  if (!has_factory) {
    return absl::InvalidArgumentError(absl::StrCat(grammar.kind, " '", name, "' has no factory"));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!ValidName(keys[i].name)) {
      return absl::InvalidArgumentError(absl::StrCat(grammar.kind, " '", name, "': key name '",
                                                     keys[i].name,
                                                     "' must be non-empty [a-z0-9_]"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (keys[j].name == keys[i].name) {
        return absl::InvalidArgumentError(
            absl::StrCat(grammar.kind, " '", name, "': key '", keys[i].name, "' declared twice"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status AlreadyRegistered(const SpecGrammar& grammar, absl::string_view name) {
  return absl::AlreadyExistsError(
      absl::StrCat(grammar.kind, " '", name, "' is already registered"));
}

absl::Status UnknownKind(const SpecGrammar& grammar, absl::string_view name,
                         const std::vector<std::string>& registered) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", grammar.kind, " '", name, "'; valid ", grammar.kinds, ": ",
                   registered.empty() ? std::string("(none)") : absl::StrJoin(registered, ", ")));
}

absl::Status CheckKeys(absl::string_view kind_name, const std::vector<SpecKeyInfo>& keys,
                       const SpecSettings& settings) {
  const auto& values = settings.values();
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& key = values[i].first;
    auto info =
        std::find_if(keys.begin(), keys.end(), [&](const SpecKeyInfo& k) { return k.name == key; });
    if (info == keys.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kind_name, ": unknown key '", key, "'; valid keys: ", KeyList(keys)));
    }
    if (info->repeatable) continue;
    for (size_t j = 0; j < i; ++j) {
      if (values[j].first == key) {
        return absl::InvalidArgumentError(
            absl::StrCat(kind_name, ": key '", key, "' given more than once"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status NullProduct(const SpecGrammar& grammar, absl::string_view name) {
  return absl::InternalError(absl::StrCat(grammar.kind, " '", name, "': factory returned null"));
}

}  // namespace spec_internal
}  // namespace framekit

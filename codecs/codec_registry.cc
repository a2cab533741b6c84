#include "framekit/codecs/codec_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "framekit/framing/spec_values.h"

namespace framekit {
namespace {

bool ValidName(absl::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string KeyList(const CodecKind& kind) {
  std::vector<std::string> names;
  for (const CodecKeyInfo& key : kind.keys) names.push_back(key.name);
  return names.empty() ? "(none)" : absl::StrJoin(names, ", ");
}

}  // namespace

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

absl::Status CodecRegistry::Register(CodecKind kind) {
  if (!ValidName(kind.name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("codec name '", kind.name, "' must be non-empty [a-z0-9_]"));
  }
  if (!kind.factory) {
    return absl::InvalidArgumentError(absl::StrCat("codec '", kind.name, "' has no factory"));
  }
  for (size_t i = 0; i < kind.keys.size(); ++i) {
    if (!ValidName(kind.keys[i].name)) {
      return absl::InvalidArgumentError(absl::StrCat("codec '", kind.name, "': key name '",
                                                     kind.keys[i].name,
                                                     "' must be non-empty [a-z0-9_]"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (kind.keys[j].name == kind.keys[i].name) {
        return absl::InvalidArgumentError(
            absl::StrCat("codec '", kind.name, "': key '", kind.keys[i].name, "' declared twice"));
      }
    }
  }
  absl::MutexLock lock(&mu_);
  if (kinds_.count(kind.name) != 0) {
    return absl::AlreadyExistsError(absl::StrCat("codec '", kind.name, "' is already registered"));
  }
  std::string name = kind.name;
  kinds_.emplace(std::move(name), std::move(kind));
  return absl::OkStatus();
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

std::vector<CodecKind> CodecRegistry::Kinds() const {
  absl::MutexLock lock(&mu_);
  std::vector<CodecKind> out;
  for (const auto& entry : kinds_) out.push_back(entry.second);
  return out;
}

absl::StatusOr<std::unique_ptr<Codec>> CodecRegistry::Make(const CodecSettings& settings) const {
  CodecKind kind;
  {
    absl::MutexLock lock(&mu_);
    auto it = kinds_.find(settings.name());
    if (it == kinds_.end()) {
      std::vector<std::string> names;
      for (const auto& entry : kinds_) names.push_back(entry.first);
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown codec '", settings.name(), "'; valid codecs: ",
          names.empty() ? std::string("(none)") : absl::StrJoin(names, ", ")));
    }
    kind = it->second;  // Copied so the factory runs without the lock.
  }
  const auto& values = settings.values();
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& key = values[i].first;
    const bool known = std::any_of(kind.keys.begin(), kind.keys.end(),
                                   [&](const CodecKeyInfo& k) { return k.name == key; });
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(kind.name, ": unknown key '", key,
                                                     "'; valid keys: ", KeyList(kind)));
    }
    for (size_t j = 0; j < i; ++j) {
      if (values[j].first == key) {
        return absl::InvalidArgumentError(
            absl::StrCat(kind.name, ": key '", key, "' given more than once"));
      }
    }
  }
  absl::StatusOr<std::unique_ptr<Codec>> codec = kind.factory(settings);
  if (codec.ok() && *codec == nullptr) {
    return absl::InternalError(absl::StrCat("codec '", kind.name, "': factory returned null"));
  }
  return codec;
}

absl::StatusOr<std::unique_ptr<Codec>> CodecRegistry::Make(absl::string_view spec) const {
  absl::StatusOr<CodecSettings> settings = ParseCodecSpec(spec);
  if (!settings.ok()) return settings.status();
  return Make(*settings);
}

absl::StatusOr<CodecSettings> ParseCodecSpec(absl::string_view spec) {
  const size_t colon = spec.find(':');
  const absl::string_view name = spec.substr(0, colon);
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("codec spec '", spec, "' has no name; expected NAME[:KEY=VALUE,...]"));
  }
  if (spec.find(' ') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "codec spec '", spec, "': spaces are not allowed (write a space as \\x20)"));
  }
  std::vector<std::pair<std::string, std::string>> values;
  if (colon != absl::string_view::npos) {
    for (absl::string_view item : absl::StrSplit(spec.substr(colon + 1), ',')) {
      const size_t eq = item.find('=');
      if (eq == absl::string_view::npos || eq == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("codec spec '", spec, "': '", item, "' is not KEY=VALUE"));
      }
      values.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
  }
  return CodecSettings(std::string(name), std::move(values));
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

}  // namespace framekit

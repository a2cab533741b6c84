// framekit/spec/spec_registry.h
//
// SpecRegistry<Product, Settings> is the one registry of kinds by name that framers and codecs
// both use. A kind is a name ("length", "varint"), a one-line summary, the keys its spec accepts
// (each with help text: meaning, default, bounds) and a factory that builds a Product from
// validated settings. The registry checks what every kind needs checked, so factories never see
// it, with one set of errors:
//   Register  the name is [a-z0-9_]+ and free, there is a factory, key names are [a-z0-9_]+ and
//             declared once;
//   Make      the name is registered (else the error lists the registered ones), each key is one
//             the kind declared (else the error lists them), only `repeatable` keys appear twice,
//             and an OK product is not null (Internal).
// Settings derive from SpecSettings (spec_settings.h), whose strict getters factories read.
//
// Example:
//   SpecRegistry<Framer, FramerSettings> registry(kFramerGrammar);
//   SpecKind<Framer, FramerSettings> tlv;
//   tlv.name = "tlv";
//   tlv.summary = "type byte + 2-byte length";
//   tlv.keys = {{"max", "largest payload; default 64KiB"}};
//   tlv.factory = [](const FramerSettings& s) -> absl::StatusOr<std::unique_ptr<Framer>> { ... };
//   absl::Status added = registry.Register(std::move(tlv));
//   absl::StatusOr<std::unique_ptr<Framer>> framer = registry.Make(*settings);
#ifndef FRAMEKIT_SPEC_SPEC_REGISTRY_H_
#define FRAMEKIT_SPEC_SPEC_REGISTRY_H_

#include <functional>
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
#include "framekit/spec/spec_parser.h"
#include "framekit/spec/spec_settings.h"

namespace framekit {

// One `key=value` a kind accepts.
struct SpecKeyInfo {
  std::string name;
  std::string help;         // Meaning, default and bounds, for error messages and --help.
  bool repeatable = false;  // e.g. delimiter's `delim`.
};

template <typename Product, typename Settings>
struct SpecKind {
  using Factory = std::function<absl::StatusOr<std::unique_ptr<Product>>(const Settings&)>;
  std::string name;     // [a-z0-9_]+, unique within a registry.
  std::string summary;  // One line.
  std::vector<SpecKeyInfo> keys;
  Factory factory;
};

namespace spec_internal {
// The checks, written once for every registry.
absl::Status CheckKind(const SpecGrammar& grammar, absl::string_view name,
                       const std::vector<SpecKeyInfo>& keys, bool has_factory);
absl::Status AlreadyRegistered(const SpecGrammar& grammar, absl::string_view name);
absl::Status UnknownKind(const SpecGrammar& grammar, absl::string_view name,
                         const std::vector<std::string>& registered);
absl::Status CheckKeys(absl::string_view kind_name, const std::vector<SpecKeyInfo>& keys,
                       const SpecSettings& settings);
absl::Status NullProduct(const SpecGrammar& grammar, absl::string_view name);
}  // namespace spec_internal

template <typename Product, typename Settings>
class SpecRegistry {
 public:
  using Kind = SpecKind<Product, Settings>;

  explicit SpecRegistry(const SpecGrammar& grammar) : grammar_(grammar) {}
  SpecRegistry(const SpecRegistry&) = delete;
  SpecRegistry& operator=(const SpecRegistry&) = delete;

  const SpecGrammar& grammar() const { return grammar_; }

  // Adds a kind. AlreadyExists if the name is taken; InvalidArgument for a bad name, a bad or
  // twice-declared key, or a missing factory. Thread-safe.
  absl::Status Register(Kind kind) {
    absl::Status ok = spec_internal::CheckKind(grammar_, kind.name, kind.keys, bool(kind.factory));
    if (!ok.ok()) return ok;
    absl::MutexLock lock(&mu_);
    if (kinds_.count(kind.name) != 0) return spec_internal::AlreadyRegistered(grammar_, kind.name);
    std::string name = kind.name;
    kinds_.emplace(std::move(name), std::move(kind));
    return absl::OkStatus();
  }

  // The registered kinds, sorted by name.
  std::vector<Kind> Kinds() const {
    absl::MutexLock lock(&mu_);
    std::vector<Kind> out;
    for (const auto& entry : kinds_) out.push_back(entry.second);
    return out;
  }

  // Checks the name and keys, then calls the kind's factory (without the lock).
  absl::StatusOr<std::unique_ptr<Product>> Make(const Settings& settings) const {
    Kind kind;
    {
      absl::MutexLock lock(&mu_);
      auto it = kinds_.find(settings.name());
      if (it == kinds_.end()) {
        std::vector<std::string> names;
        for (const auto& entry : kinds_) names.push_back(entry.first);
        return spec_internal::UnknownKind(grammar_, settings.name(), names);
      }
      kind = it->second;  // Copied so the factory runs without the lock.
    }
    absl::Status keys = spec_internal::CheckKeys(kind.name, kind.keys, settings);
    if (!keys.ok()) return keys;
    absl::StatusOr<std::unique_ptr<Product>> product = kind.factory(settings);
    if (product.ok() && *product == nullptr) return spec_internal::NullProduct(grammar_, kind.name);
    return product;
  }

 private:
  const SpecGrammar grammar_;
  mutable absl::Mutex mu_;
  std::map<std::string, Kind, std::less<>> kinds_ ABSL_GUARDED_BY(mu_);
};

}  // namespace framekit

#endif  // FRAMEKIT_SPEC_SPEC_REGISTRY_H_

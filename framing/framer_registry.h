// framekit/framing/framer_registry.h
//
// The registry of framer kinds, by name. A kind is a name ("length"), a one-line summary, the keys
// its spec accepts (each with help text: meaning, default, bounds) and a factory that builds a
// Framer from validated settings. framekit's own kinds (delimiter, fixed, length, ascii, netstring)
// are registered through this same interface, on first use of the registry; a user registers
// theirs once at start-up, before building framers from specs that name it.
//
// The registry (spec/spec_registry.h, shared with codecs) checks what every kind needs checked, so
// factories never see it: the kind exists, key names are valid and declared once, each key given is
// one the kind declared, only `repeatable` keys appear twice, and a factory's OK result is not
// null. Factories read values through FramerSettings' strict typed getters, whose errors name the
// kind, the key and the value.
//
// Example:
//   FramerKind tlv;
//   tlv.name = "tlv";
//   tlv.summary = "type byte + 2-byte length";
//   tlv.keys = {{"max", "largest payload; default 64KiB"}};
//   tlv.factory = [](const FramerSettings& settings) -> absl::StatusOr<std::unique_ptr<Framer>> {
//     absl::StatusOr<uint64_t> max = settings.GetSize("max", 64 << 10);
//     if (!max.ok()) return max.status();
//     return std::make_unique<TlvFramer>(*max);
//   };
//   absl::Status s = RegisterFramerKind(std::move(tlv));
//   absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("tlv:max=1KiB");
#ifndef FRAMEKIT_FRAMING_FRAMER_REGISTRY_H_
#define FRAMEKIT_FRAMING_FRAMER_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/framer.h"
#include "framekit/spec/spec_registry.h"
#include "framekit/spec/spec_settings.h"

namespace framekit {

// One `key=value` a kind accepts (name, help, repeatable).
using FramerKeyInfo = SpecKeyInfo;

// The settings of one framer spec: the kind and its key/value pairs in the order given. The typed
// getters (GetSize, GetUnsigned, GetByte, GetBytesList, GetChoice, ...) and their errors, "KIND:
// bad value for 'KEY' ('VALUE'): ...", are SpecSettings' (spec/spec_settings.h), shared with
// codecs.
class FramerSettings : public SpecSettings {
 public:
  FramerSettings(std::string kind, std::vector<std::pair<std::string, std::string>> values)
      : SpecSettings(std::move(kind), std::move(values)) {}
  explicit FramerSettings(SpecSettings settings) : SpecSettings(std::move(settings)) {}

  const std::string& kind() const { return name(); }
  // The standard too_long=fail|skip key.
  absl::StatusOr<TooLongPolicy> GetTooLongPolicy() const;
};

// A framer kind: name, summary, keys and factory (spec/spec_registry.h).
using FramerKind = SpecKind<Framer, FramerSettings>;
using FramerFactory = FramerKind::Factory;

// Adds a kind. AlreadyExists if the name is taken (built-ins included); InvalidArgument for a bad
// name or key name, a key declared twice or a missing factory. Thread-safe.
absl::Status RegisterFramerKind(FramerKind kind);

// The registered kinds, sorted by name (built-ins included).
std::vector<FramerKind> RegisteredFramerKinds();

// Builds a framer from parsed settings: checks kind and keys, then calls the kind's factory.
absl::StatusOr<std::unique_ptr<Framer>> MakeFramer(const FramerSettings& settings);

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_FRAMER_REGISTRY_H_

// framekit/framing/framer_registry.h
//
// The registry of framer kinds, by name. A kind is a name ("length"), a one-line summary, the keys
// its spec accepts (each with help text: meaning, default, bounds) and a factory that builds a
// Framer from validated settings. framekit's own kinds (delimiter, fixed, length, ascii, netstring)
// are registered through this same interface, on first use of the registry; a user registers
// theirs once at start-up, before building framers from specs that name it.
//
// The registry checks what every kind needs checked, so factories never see it: the kind exists,
// each key is one the kind declared, and only `repeatable` keys appear twice. Factories read values
// through FramerSettings' strict typed getters, whose errors name the kind, the key and the value.
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

namespace framekit {

// One `key=value` a kind accepts.
struct FramerKeyInfo {
  std::string name;
  std::string help;         // Meaning, default and bounds, for error messages and --help.
  bool repeatable = false;  // e.g. delimiter's `delim`.
};

// The settings of one spec: the kind and its key/value pairs in the order given (values raw, as
// written; the getters interpret escapes and units). Getters return the default when the key is
// absent and InvalidArgument "KIND: bad value for 'KEY': ..." when it is present but malformed.
class FramerSettings {
 public:
  FramerSettings(std::string kind, std::vector<std::pair<std::string, std::string>> values)
      : kind_(std::move(kind)), values_(std::move(values)) {}

  const std::string& kind() const { return kind_; }
  const std::vector<std::pair<std::string, std::string>>& values() const { return values_; }
  bool Has(absl::string_view key) const;

  // The value as written, or `default_value`.
  std::string GetText(absl::string_view key, absl::string_view default_value) const;
  // Sizes: digits with an optional KiB/MiB/GiB/TiB suffix.
  absl::StatusOr<uint64_t> GetSize(absl::string_view key, uint64_t default_value) const;
  // Plain unsigned integers in [min, max].
  absl::StatusOr<uint64_t> GetUnsigned(absl::string_view key, uint64_t default_value,
                                       uint64_t min = 0, uint64_t max = UINT64_MAX) const;
  absl::StatusOr<int64_t> GetSigned(absl::string_view key, int64_t default_value) const;
  // One byte: 0-255, 0xHH, or one (escaped) character.
  absl::StatusOr<uint8_t> GetByte(absl::string_view key, uint8_t default_value) const;
  // Escaped bytes (\n \r \t \0 \\ \xHH); every occurrence of a repeatable key, in order.
  absl::StatusOr<std::vector<std::string>> GetBytesList(absl::string_view key) const;
  // One of `choices`; the error lists them.
  absl::StatusOr<std::string> GetChoice(absl::string_view key, absl::string_view default_value,
                                        std::initializer_list<absl::string_view> choices) const;
  // The standard too_long=fail|skip key.
  absl::StatusOr<TooLongPolicy> GetTooLongPolicy() const;

  // An InvalidArgument error about `key` for factories' own checks.
  absl::Status BadValue(absl::string_view key, absl::string_view why) const;

 private:
  const std::string* Find(absl::string_view key) const;

  std::string kind_;
  std::vector<std::pair<std::string, std::string>> values_;
};

using FramerFactory =
    std::function<absl::StatusOr<std::unique_ptr<Framer>>(const FramerSettings& settings)>;

struct FramerKind {
  std::string name;     // [a-z0-9_]+, unique.
  std::string summary;  // One line.
  std::vector<FramerKeyInfo> keys;
  FramerFactory factory;
};

// Adds a kind. AlreadyExists if the name is taken (built-ins included); InvalidArgument for a bad
// name or a missing factory. Thread-safe.
absl::Status RegisterFramerKind(FramerKind kind);

// The registered kinds, sorted by name (built-ins included).
std::vector<FramerKind> RegisteredFramerKinds();

// Builds a framer from parsed settings: checks kind and keys, then calls the kind's factory.
absl::StatusOr<std::unique_ptr<Framer>> MakeFramer(const FramerSettings& settings);

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_FRAMER_REGISTRY_H_

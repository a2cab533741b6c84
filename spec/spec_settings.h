// framekit/spec/spec_settings.h
//
// SpecSettings is the parsed form of one spec, `NAME[:KEY=VALUE,...]`, as framers and codecs take
// it: the name and its key/value pairs in the order given, values raw as written. The typed getters
// interpret them strictly (spec_values.h: digits only, escapes, sizes with units) and return the
// default when the key is absent, or InvalidArgument "NAME: bad value for 'KEY' ('VALUE'): WHY"
// when it is present but malformed -- the name, the key, the value and what was expected.
//
// FramerSettings (framing/framer_registry.h) and CodecSettings (codecs/codec_registry.h) derive
// from it, so a factory of either kind reads its values the same way and with the same errors;
// they stay distinct types, so a codec's settings cannot be handed to a framer factory.
// spec_parser.h turns spec strings and config files into settings; spec_registry.h holds kinds.
//
// Example:
//   SpecSettings s("length", {{"width", "4"}, {"max", "1MiB"}});
//   absl::StatusOr<uint64_t> width = s.GetUnsigned("width", 4, 1, 8);   // 4
//   absl::StatusOr<uint64_t> max = s.GetSize("max", 1 << 20);           // 1048576
//   absl::StatusOr<bool> b = s.GetBool("signed", false);                 // false: absent
#ifndef FRAMEKIT_SPEC_SPEC_SETTINGS_H_
#define FRAMEKIT_SPEC_SPEC_SETTINGS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace framekit {

class SpecSettings {
 public:
  SpecSettings(std::string name, std::vector<std::pair<std::string, std::string>> values)
      : name_(std::move(name)), values_(std::move(values)) {}

  // The framer kind or codec name the spec starts with (errors begin with it).
  const std::string& name() const { return name_; }
  const std::vector<std::pair<std::string, std::string>>& values() const { return values_; }
  bool Has(absl::string_view key) const { return Find(key) != nullptr; }

  // The value as written, or `default_value`.
  std::string GetText(absl::string_view key, absl::string_view default_value) const;
  // true/false, yes/no, 1/0.
  absl::StatusOr<bool> GetBool(absl::string_view key, bool default_value) const;
  // One byte: 0-255, 0xHH, or one (escaped) character.
  absl::StatusOr<uint8_t> GetByte(absl::string_view key, uint8_t default_value) const;
  // Plain unsigned decimal integers in [min, max].
  absl::StatusOr<uint64_t> GetUnsigned(absl::string_view key, uint64_t default_value,
                                       uint64_t min = 0, uint64_t max = UINT64_MAX) const;
  // Decimal integers, optionally negative.
  absl::StatusOr<int64_t> GetSigned(absl::string_view key, int64_t default_value) const;
  // Sizes: digits with an optional KiB/MiB/GiB/TiB suffix.
  absl::StatusOr<uint64_t> GetSize(absl::string_view key, uint64_t default_value) const;
  // Escaped bytes (\n \r \t \0 \\ \xHH); every occurrence of a repeatable key, in order.
  absl::StatusOr<std::vector<std::string>> GetBytesList(absl::string_view key) const;
  // Exactly one of `choices` as written; the error lists them.
  absl::StatusOr<std::string> GetChoice(absl::string_view key, absl::string_view default_value,
                                        std::initializer_list<absl::string_view> choices) const;

  // An InvalidArgument error about `key`, for factories' own checks.
  absl::Status BadValue(absl::string_view key, absl::string_view why) const;

 private:
  const std::string* Find(absl::string_view key) const;

  std::string name_;
  std::vector<std::pair<std::string, std::string>> values_;
};

}  // namespace framekit

#endif  // FRAMEKIT_SPEC_SPEC_SETTINGS_H_

#include "framekit/spec/spec_settings.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framekit/spec/spec_values.h"

namespace framekit {

const std::string* SpecSettings::Find(absl::string_view key) const {
  for (const auto& kv : values_) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

absl::Status SpecSettings::BadValue(absl::string_view key, absl::string_view why) const {
  const std::string* value = Find(key);
  return absl::InvalidArgumentError(absl::StrCat(name_, ": bad value for '", key, "'",
                                                 value ? absl::StrCat(" ('", *value, "')") : "",
                                                 ": ", why));
}

std::string SpecSettings::GetText(absl::string_view key, absl::string_view default_value) const {
  const std::string* value = Find(key);
  return value ? *value : std::string(default_value);
}

absl::StatusOr<bool> SpecSettings::GetBool(absl::string_view key, bool default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  absl::StatusOr<bool> b = ParseBool(*value);
  if (!b.ok()) return BadValue(key, "expected true or false");
  return *b;
}

absl::StatusOr<uint8_t> SpecSettings::GetByte(absl::string_view key, uint8_t default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  absl::StatusOr<uint8_t> byte = ParseByte(*value);
  if (!byte.ok()) {
    return BadValue(key, "expected one byte: 0-255, 0xHH, or one character (\\n \\t \\xHH ...)");
  }
  return *byte;
}

absl::StatusOr<uint64_t> SpecSettings::GetUnsigned(absl::string_view key, uint64_t default_value,
                                                   uint64_t min, uint64_t max) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  absl::StatusOr<uint64_t> n = ParseUnsigned(*value);
  if (!n.ok() || *n < min || *n > max) {
    return BadValue(key, absl::StrCat("expected an integer in [", min, ", ", max, "]"));
  }
  return *n;
}

absl::StatusOr<int64_t> SpecSettings::GetSigned(absl::string_view key,
                                                int64_t default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  absl::StatusOr<int64_t> n = ParseSigned(*value);
  if (!n.ok()) return BadValue(key, "expected a decimal integer, optionally negative");
  return *n;
}

absl::StatusOr<uint64_t> SpecSettings::GetSize(absl::string_view key,
                                               uint64_t default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  absl::StatusOr<uint64_t> size = ParseSize(*value);
  if (!size.ok()) return BadValue(key, "expected a size: digits with optional KiB, MiB, GiB");
  return *size;
}

absl::StatusOr<std::vector<std::string>> SpecSettings::GetBytesList(absl::string_view key) const {
  std::vector<std::string> out;
  for (const auto& kv : values_) {
    if (kv.first != key) continue;
    absl::StatusOr<std::string> bytes = ParseEscapedBytes(kv.second);
    if (!bytes.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(name_, ": bad value for '", key, "' ('",
                                                     kv.second, "'): ", bytes.status().message(),
                                                     "; escapes: \\n \\r \\t \\0 \\\\ \\xHH"));
    }
    out.push_back(*std::move(bytes));
  }
  return out;
}

absl::StatusOr<std::string> SpecSettings::GetChoice(
    absl::string_view key, absl::string_view default_value,
    std::initializer_list<absl::string_view> choices) const {
  const std::string* value = Find(key);
  if (value == nullptr) return std::string(default_value);
  for (absl::string_view choice : choices) {
    if (*value == choice) return *value;
  }
  return BadValue(key, absl::StrCat("expected one of: ", absl::StrJoin(choices, ", ")));
}

}  // namespace framekit

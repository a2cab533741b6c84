#include "framekit/spec/spec_values.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace framekit {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status Bad(absl::string_view what, absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat("bad ", what, " '", text, "'"));
}

}  // namespace

absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view text, uint64_t max) {
  if (text.empty()) return Bad("number (empty)", text);
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Bad("number (digits only)", text);
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (max - digit) / 10) {
      return absl::InvalidArgumentError(absl::StrCat("number '", text, "' exceeds ", max));
    }
    value = value * 10 + digit;
  }
  return value;
}

absl::StatusOr<int64_t> ParseSigned(absl::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  absl::StatusOr<uint64_t> magnitude =
      ParseUnsigned(text, negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX});
  if (!magnitude.ok()) return magnitude.status();
  if (negative) return static_cast<int64_t>(0 - *magnitude);  // Two's complement, INT64_MIN safe.
  return static_cast<int64_t>(*magnitude);
}

absl::StatusOr<uint64_t> ParseSize(absl::string_view text) {
  struct Unit {
    absl::string_view suffix;
    int shift;
  };
  static constexpr Unit kUnits[] = {{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}};
  for (const Unit& unit : kUnits) {
    if (absl::EndsWith(text, unit.suffix)) {
      absl::string_view digits = text.substr(0, text.size() - unit.suffix.size());
      absl::StatusOr<uint64_t> n = ParseUnsigned(digits, UINT64_MAX >> unit.shift);
      if (!n.ok()) return Bad("size (digits then optional KiB/MiB/GiB/TiB)", text);
      return *n << unit.shift;
    }
  }
  absl::StatusOr<uint64_t> n = ParseUnsigned(text);
  if (!n.ok()) return Bad("size (digits then optional KiB/MiB/GiB/TiB)", text);
  return *n;
}

std::string FormatSize(uint64_t size) {
  static constexpr const char* kSuffix[] = {"TiB", "GiB", "MiB", "KiB"};
  static constexpr int kShift[] = {40, 30, 20, 10};
  for (int i = 0; i < 4; ++i) {
    const uint64_t unit = uint64_t{1} << kShift[i];
    if (size != 0 && size % unit == 0) return absl::StrCat(size >> kShift[i], kSuffix[i]);
  }
  return absl::StrCat(size);
}

absl::StatusOr<uint8_t> ParseByte(absl::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint64_t v = 0;
    for (char c : text.substr(2)) {
      const int d = HexDigit(c);
      if (d < 0 || v > 0xF) return Bad("byte (0-255, 0xHH, or one escaped character)", text);
      v = v * 16 + static_cast<uint64_t>(d);
    }
    return static_cast<uint8_t>(v);
  }
  if (!text.empty() && absl::ascii_isdigit(static_cast<unsigned char>(text[0])) &&
      text.size() > 1) {
    absl::StatusOr<uint64_t> v = ParseUnsigned(text, 255);
    if (!v.ok()) return Bad("byte (0-255, 0xHH, or one escaped character)", text);
    return static_cast<uint8_t>(*v);
  }
  absl::StatusOr<std::string> bytes = ParseEscapedBytes(text);
  if (!bytes.ok() || bytes->size() != 1) {
    return Bad("byte (0-255, 0xHH, or one escaped character)", text);
  }
  return static_cast<uint8_t>((*bytes)[0]);
}

absl::StatusOr<bool> ParseBool(absl::string_view text) {
  if (text == "true" || text == "yes" || text == "1") return true;
  if (text == "false" || text == "no" || text == "0") return false;
  return Bad("boolean (true/false)", text);
}

absl::StatusOr<std::string> ParseEscapedBytes(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == text.size()) return Bad("escape (trailing backslash) in", text);
    switch (text[i]) {
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case '0':
        out.push_back('\0');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case 'x': {
        const int hi = i + 1 < text.size() ? HexDigit(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) return Bad("escape (\\x needs two hex digits) in", text);
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        break;
      }
      default:
        return Bad("escape (valid: \\n \\r \\t \\0 \\\\ \\xHH) in", text);
    }
  }
  return out;
}

std::string FormatEscapedBytes(absl::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\0':
        out += "\\0";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c > ' ' && c <= '~' && c != ',' && c != '=' && c != '#') {
          out.push_back(static_cast<char>(c));
        } else {
          absl::StrAppendFormat(&out, "\\x%02X", c);
        }
    }
  }
  return out;
}

}  // namespace framekit

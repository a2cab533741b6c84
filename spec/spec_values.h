// framekit/spec/spec_values.h
//
// Parsing and printing of the values that appear in framer specs and config files, strictly:
// a value either parses completely or is refused with InvalidArgument naming it.
//
//   sizes     "1024", "64KiB", "4MiB", "1GiB" (binary units, exact; overflow refused).
//             FormatSize prints the largest exact unit: 1048576 -> "1MiB", 1000 -> "1000".
//   integers  decimal digits only ("-5" only where signed is asked for); "0x20" hex for bytes.
//   bytes     escaped strings: \n \r \t \0 \\ \xHH; a literal ',' '=' or space must be escaped
//             (\x2C, \x3D, \x20; \x23 for '#' in config files). FormatEscapedBytes is the inverse
//             and escapes everything outside [!-~] and those four.
//   booleans  true/false, yes/no, 1/0.
#ifndef FRAMEKIT_SPEC_SPEC_VALUES_H_
#define FRAMEKIT_SPEC_SPEC_VALUES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace framekit {

absl::StatusOr<uint64_t> ParseSize(absl::string_view text);
std::string FormatSize(uint64_t size);

// Decimal digits only, no sign, no spaces; refuses overflow past `max`.
absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view text, uint64_t max = UINT64_MAX);
// An optional '-' then decimal digits; within int64.
absl::StatusOr<int64_t> ParseSigned(absl::string_view text);
// One byte: a decimal 0-255, a hex 0xHH, or a single escaped character ("\n", "\x20", "a").
absl::StatusOr<uint8_t> ParseByte(absl::string_view text);
absl::StatusOr<bool> ParseBool(absl::string_view text);

absl::StatusOr<std::string> ParseEscapedBytes(absl::string_view text);
std::string FormatEscapedBytes(absl::string_view bytes);

}  // namespace framekit

#endif  // FRAMEKIT_SPEC_SPEC_VALUES_H_

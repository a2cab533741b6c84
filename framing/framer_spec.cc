#include "framekit/framing/framer_spec.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace framekit {

absl::StatusOr<FramerSettings> ParseFramerSpec(absl::string_view spec) {
  const size_t colon = spec.find(':');
  const absl::string_view kind = spec.substr(0, colon);
  if (kind.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("framer spec '", spec, "' has no kind; expected KIND[:KEY=VALUE,...]"));
  }
  std::vector<std::pair<std::string, std::string>> values;
  if (colon != absl::string_view::npos) {
    for (absl::string_view item : absl::StrSplit(spec.substr(colon + 1), ',')) {
      const size_t eq = item.find('=');
      if (eq == absl::string_view::npos || eq == 0) {
        return absl::InvalidArgumentError(absl::StrCat("framer spec '", spec, "': '", item,
                                                       "' is not KEY=VALUE"));
      }
      values.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
  }
  for (const auto& kv : values) {
    if (kv.first.find(' ') != std::string::npos || kv.second.find(' ') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "framer spec '", spec, "': spaces are not allowed (write a space as \\x20)"));
    }
  }
  return FramerSettings(std::string(kind), std::move(values));
}

absl::StatusOr<FramerSettings> ParseFramerConfig(absl::string_view text) {
  std::string kind;
  std::vector<std::pair<std::string, std::string>> values;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("framer config line ", line_number, ": '",
                                                     line, "' is not KEY = VALUE"));
    }
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    const absl::string_view value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (key.empty() || key.find_first_of(" \t") != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("framer config line ", line_number, ": bad key '", key, "'"));
    }
    if (key == "kind") {
      if (!kind.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("framer config line ", line_number, ": 'kind' given more than once"));
      }
      kind = std::string(value);
      continue;
    }
    values.emplace_back(std::string(key), std::string(value));
  }
  if (kind.empty()) {
    return absl::InvalidArgumentError(
        "framer config has no 'kind = ...' line (e.g. kind = length)");
  }
  return FramerSettings(std::move(kind), std::move(values));
}

absl::StatusOr<std::unique_ptr<Framer>> MakeFramer(absl::string_view spec) {
  absl::StatusOr<FramerSettings> settings = ParseFramerSpec(spec);
  if (!settings.ok()) return settings.status();
  return MakeFramer(*settings);
}

absl::StatusOr<std::unique_ptr<Framer>> MakeFramerFromConfigFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read framer config '", path, "'"));
  std::stringstream text;
  text << file.rdbuf();
  absl::StatusOr<FramerSettings> settings = ParseFramerConfig(text.str());
  if (!settings.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", settings.status().message()));
  }
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(*settings);
  if (!framer.ok()) {  // A bad kind, key or value: say which file, keep the code.
    return absl::Status(framer.status().code(),
                        absl::StrCat(path, ": ", framer.status().message()));
  }
  return framer;
}

}  // namespace framekit

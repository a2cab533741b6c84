#include "framekit/spec/spec_parser.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace framekit {

absl::StatusOr<SpecSettings> ParseSpec(const SpecGrammar& grammar, absl::string_view spec) {
  const size_t colon = spec.find(':');
  const absl::string_view name = spec.substr(0, colon);
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(grammar.subject, " spec '", spec, "' has no ", grammar.name_key, "; expected ",
                     absl::AsciiStrToUpper(grammar.name_key), "[:KEY=VALUE,...]"));
  }
  if (spec.find(' ') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        grammar.subject, " spec '", spec, "': spaces are not allowed (write a space as \\x20)"));
  }
  std::vector<std::pair<std::string, std::string>> values;
  if (colon != absl::string_view::npos) {
    for (absl::string_view item : absl::StrSplit(spec.substr(colon + 1), ',')) {
      const size_t eq = item.find('=');
      if (eq == absl::string_view::npos || eq == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(grammar.subject, " spec '", spec, "': '", item, "' is not KEY=VALUE"));
      }
      values.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
  }
  return SpecSettings(std::string(name), std::move(values));
}

absl::StatusOr<SpecSettings> ParseSpecConfig(const SpecGrammar& grammar, absl::string_view text) {
  std::string name;
  std::vector<std::pair<std::string, std::string>> values;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(grammar.subject, " config line ", line_number,
                                                     ": '", line, "' is not KEY = VALUE"));
    }
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    const absl::string_view value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (key.empty() || key.find_first_of(" \t") != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(grammar.subject, " config line ", line_number, ": bad key '", key, "'"));
    }
    if (key == grammar.name_key) {
      if (!name.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(grammar.subject, " config line ",
                                                       line_number, ": '", grammar.name_key,
                                                       "' given more than once"));
      }
      name = std::string(value);
      continue;
    }
    values.emplace_back(std::string(key), std::string(value));
  }
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(grammar.subject, " config has no '", grammar.name_key, " = ...' line"));
  }
  return SpecSettings(std::move(name), std::move(values));
}

absl::StatusOr<SpecSettings> ReadSpecConfigFile(const SpecGrammar& grammar,
                                                const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", grammar.subject, " config '", path, "'"));
  }
  std::stringstream text;
  text << file.rdbuf();
  absl::StatusOr<SpecSettings> settings = ParseSpecConfig(grammar, text.str());
  if (!settings.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", settings.status().message()));
  }
  return settings;
}

}  // namespace framekit

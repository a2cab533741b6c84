#include "framekit/framing/framer_spec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/spec/spec_parser.h"

namespace framekit {

absl::StatusOr<FramerSettings> ParseFramerSpec(absl::string_view spec) {
  absl::StatusOr<SpecSettings> settings = ParseSpec(kFramerGrammar, spec);
  if (!settings.ok()) return settings.status();
  return FramerSettings(*std::move(settings));
}

absl::StatusOr<FramerSettings> ParseFramerConfig(absl::string_view text) {
  absl::StatusOr<SpecSettings> settings = ParseSpecConfig(kFramerGrammar, text);
  if (!settings.ok()) return settings.status();
  return FramerSettings(*std::move(settings));
}

absl::StatusOr<std::unique_ptr<Framer>> MakeFramer(absl::string_view spec) {
  absl::StatusOr<FramerSettings> settings = ParseFramerSpec(spec);
  if (!settings.ok()) return settings.status();
  return MakeFramer(*settings);
}

absl::StatusOr<std::unique_ptr<Framer>> MakeFramerFromConfigFile(const std::string& path) {
  absl::StatusOr<SpecSettings> settings = ReadSpecConfigFile(kFramerGrammar, path);
  if (!settings.ok()) return settings.status();
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(FramerSettings(*std::move(settings)));
  if (!framer.ok()) {  // A bad kind, key or value: say which file, keep the code.
    return absl::Status(framer.status().code(),
                        absl::StrCat(path, ": ", framer.status().message()));
  }
  return framer;
}

}  // namespace framekit

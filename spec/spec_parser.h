// framekit/spec/spec_parser.h
//
// The two ways a framer or a codec is written down, parsed once for both:
//
// Spec string:   NAME[:KEY=VALUE[,KEY=VALUE]...]
//   length:width=4,max=1MiB      varint:zigzag=true      delimiter:delim=\r\n,delim=\n
// Values are taken as written up to the next ','. No spaces (write one as \x20), no empty items.
//
// Config file: one `KEY = VALUE` per line, the name on a line of its own (`kind = length` for a
// framer, `name = varint` for a codec); blank lines and lines whose first non-blank character is
// '#' are ignored; spaces around KEY and VALUE are trimmed. A '#' after a value is part of it
// (`delim = #` is a valid delimiter), not a comment.
//   # gRPC-style framing
//   kind   = length
//   width  = 4
//   offset = 1
//
// Parsing checks syntax only; a registry (spec_registry.h) checks names, keys and values. Errors
// are InvalidArgument naming the spec or the config line.
//
// Example:
//   absl::StatusOr<SpecSettings> s = ParseSpec(kFramerGrammar, "length:width=4");
//   // s->name() == "length", s->values() == {{"width", "4"}}
#ifndef FRAMEKIT_SPEC_SPEC_PARSER_H_
#define FRAMEKIT_SPEC_SPEC_PARSER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/spec/spec_settings.h"

namespace framekit {

// The words errors use for one family of specs, and the config file's name key.
struct SpecGrammar {
  absl::string_view subject;   // "framer": "framer spec '...'", "framer config line 3"
  absl::string_view name_key;  // "kind": the config file's `kind = ...` line
  absl::string_view kind;      // "framer kind": "unknown framer kind 'x'"
  absl::string_view kinds;     // "kinds": "; valid kinds: ..."
};

inline constexpr SpecGrammar kFramerGrammar = {"framer", "kind", "framer kind", "kinds"};
inline constexpr SpecGrammar kCodecGrammar = {"codec", "name", "codec", "codecs"};

// Parses a spec string.
absl::StatusOr<SpecSettings> ParseSpec(const SpecGrammar& grammar, absl::string_view spec);

// Parses the text of a config file.
absl::StatusOr<SpecSettings> ParseSpecConfig(const SpecGrammar& grammar, absl::string_view text);

// Reads and parses the config file at `path`: NotFound if it cannot be read; a syntax error is
// InvalidArgument starting with the path.
absl::StatusOr<SpecSettings> ReadSpecConfigFile(const SpecGrammar& grammar,
                                                const std::string& path);

}  // namespace framekit

#endif  // FRAMEKIT_SPEC_SPEC_PARSER_H_

// framekit/framing/framer_spec.h
//
// Choosing a framer by configuration: a spec string, or a config file with the same settings.
//
// Spec grammar:   KIND[:KEY=VALUE[,KEY=VALUE]...]
//   delimiter                          delimiter:delim=\r\n,max=1024
//   delimiter:delim=\r\n,delim=\n      fixed:size=16      fixed:size=16,pad=0x20
//   length:width=4,order=big           length:width=2,order=little      length:width=varint
//   length:width=4,offset=1,max=4MiB   ascii:digits=5     netstring      netstring:max=64KiB
// Values are taken as written up to the next ','; sizes take KiB/MiB/GiB; byte strings take
// \n \r \t \0 \\ \xHH escapes (write a literal ',' as \x2C). No spaces are allowed in a spec.
//
// Config file: one `KEY = VALUE` per line, `kind = KIND` among them; blank lines and lines whose
// first non-blank character is '#' are ignored; spaces around KEY and VALUE are trimmed. A '#'
// after a value is part of it (`delim = #` is a valid delimiter), not a comment.
//   # gRPC-style framing
//   kind   = length
//   width  = 4
//   offset = 1
//   max    = 4MiB
//
// Errors are InvalidArgument naming the offender and listing what is valid: an unknown kind (the
// registered kinds), an unknown key (the kind's keys), a bad value (the expected form), a line of
// a config file that is not KEY = VALUE (its line number).
#ifndef FRAMEKIT_FRAMING_FRAMER_SPEC_H_
#define FRAMEKIT_FRAMING_FRAMER_SPEC_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_registry.h"

namespace framekit {

// Parses a spec string into settings (syntax only; MakeFramer checks keys and values).
absl::StatusOr<FramerSettings> ParseFramerSpec(absl::string_view spec);

// Parses the text of a config file into settings.
absl::StatusOr<FramerSettings> ParseFramerConfig(absl::string_view text);

// Builds a framer from a spec string.
absl::StatusOr<std::unique_ptr<Framer>> MakeFramer(absl::string_view spec);

// Builds a framer from a config file at `path`. NotFound if it cannot be read; any other error
// (a bad line, kind, key or value) keeps its code and starts with the path.
absl::StatusOr<std::unique_ptr<Framer>> MakeFramerFromConfigFile(const std::string& path);

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_FRAMER_SPEC_H_

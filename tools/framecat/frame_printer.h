// framekit/tools/framecat/frame_printer.h
//
// How framecat shows a received frame: its payload bytes as they are (or, with `hex`, as lowercase
// hex digits), then one '\n'. A frame may itself contain '\n'; use hex for binary payloads.
#ifndef FRAMEKIT_TOOLS_FRAMECAT_FRAME_PRINTER_H_
#define FRAMEKIT_TOOLS_FRAMECAT_FRAME_PRINTER_H_

#include <cstdio>

#include "absl/strings/string_view.h"

namespace framekit {
namespace framecat {

// Writes one frame line to `out` (buffered: the caller flushes). False if the write failed.
bool PrintFrame(absl::string_view frame, bool hex, std::FILE* out);

}  // namespace framecat
}  // namespace framekit

#endif  // FRAMEKIT_TOOLS_FRAMECAT_FRAME_PRINTER_H_

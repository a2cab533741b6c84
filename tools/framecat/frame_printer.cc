// framekit/tools/framecat/frame_printer.cc -- see frame_printer.h.
#include "framekit/tools/framecat/frame_printer.h"

#include <string>

#include "absl/strings/escaping.h"

namespace framekit {
namespace framecat {

bool PrintFrame(absl::string_view frame, bool hex, std::FILE* out) {
  if (hex) {
    std::string text = absl::BytesToHexString(frame);
    text.push_back('\n');
    return std::fwrite(text.data(), 1, text.size(), out) == text.size();
  }
  if (!frame.empty() && std::fwrite(frame.data(), 1, frame.size(), out) != frame.size()) {
    return false;
  }
  return std::fputc('\n', out) != EOF;
}

}  // namespace framecat
}  // namespace framekit

// framekit's own framer kinds, as FramerKind values that the registry adds like any user's.
// (Filled in as the framers land.)
#include <vector>

#include "framekit/framing/framer_registry.h"

namespace framekit {
std::vector<FramerKind> BuiltinFramerKinds() { return {}; }
}  // namespace framekit

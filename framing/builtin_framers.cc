// Registers framekit's own framer kinds through the public registry interface.
// (Filled in as the framers land.)
namespace framekit {
void RegisterBuiltinFramers() {}
}  // namespace framekit

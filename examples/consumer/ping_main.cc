#include <cstdio>

#include "ping.h"

int main(int argc, char** argv) {
  const char* spec = argc > 1 ? argv[1] : "netstring";
  absl::StatusOr<std::vector<std::string>> got = RoundTrip(spec, {"hello", "", "world"});
  if (!got.ok()) {
    std::fprintf(stderr, "%s\n", got.status().ToString().c_str());
    return 1;
  }
  for (const std::string& m : *got) std::printf("[%s]\n", m.c_str());
  return 0;
}

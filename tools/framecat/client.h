// framekit/tools/framecat/client.h
//
// framecat's client: sends each line of `in` as one frame (the '\n' stripped; a last line without
// one is a frame too; an empty line is an empty frame) and prints every frame that comes back, one
// per line (PrintFrame). At the end of `in` it half-closes and keeps printing until the server
// closes. Sending (a thread reading `in`, with one gathered write per chunk of lines) and receiving
// (the calling thread) run concurrently, so a long input cannot deadlock on full socket buffers.
#ifndef FRAMEKIT_TOOLS_FRAMECAT_CLIENT_H_
#define FRAMEKIT_TOOLS_FRAMECAT_CLIENT_H_

#include <cstdio>

#include "absl/status/status.h"
#include "framekit/framing/framer.h"
#include "framekit/transport/connected_socket.h"

namespace framekit {
namespace framecat {

struct ClientOptions {
  bool hex = false;         // print replies as hex
  int in_fd = 0;            // lines to send (stdin)
  std::FILE* out = stdout;  // replies
};

// OK when the server closed the connection cleanly after all input was sent; otherwise the first
// error (a frame the framer refuses, a bad reply, the connection failing).
absl::Status RunClient(ConnectedSocket socket, const Framer& framer, const ClientOptions& options);

}  // namespace framecat
}  // namespace framekit

#endif  // FRAMEKIT_TOOLS_FRAMECAT_CLIENT_H_

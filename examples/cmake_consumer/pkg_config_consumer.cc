// examples/cmake_consumer/pkg_config_consumer.cc -- one file built against an installed framekit
// with nothing but pkg-config:
//
//   g++ -std=c++17 pkg_config_consumer.cc -o pkg_config_consumer \
//       $(pkg-config --cflags --libs framekit)
//
// Runs a framekit::Server (echo handler, an ephemeral loopback port; epoll or io_uring, whichever
// the server picks) and a client FramedConnection against it, and checks every echoed frame.
// Exits 0 and prints "server echo: OK" when all came back.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/server/server.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/tcp.h"
#include "framekit/version.h"

namespace {

class Echo : public framekit::ConnectionHandler {
 public:
  void OnFrame(framekit::Connection& conn, absl::string_view frame) override {
    (void)conn.Send(frame);
  }
};

absl::Status Run() {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  framekit::ServerOptions options;
  options.framer_spec = "netstring";
  options.listeners.push_back({"127.0.0.1:0"});
  absl::StatusOr<std::unique_ptr<framekit::Server>> server =
      framekit::Server::Create(options, [] { return std::make_unique<Echo>(); });
  if (!server.ok()) return server.status();
  if (absl::Status s = (*server)->Start(); !s.ok()) return s;
  const std::string address = (*server)->local_addresses()[0].ToString();

  absl::Status status;
  {
    absl::StatusOr<std::unique_ptr<framekit::Framer>> framer = framekit::MakeFramer("netstring");
    if (!framer.ok()) return framer.status();
    absl::StatusOr<framekit::ConnectedSocket> socket = framekit::ConnectTcp(address, deadline);
    if (!socket.ok()) return socket.status();
    framekit::FramedConnection conn(std::move(*socket), **framer);
    for (int i = 0; i < 50 && status.ok(); ++i) {
      const std::string message = "message " + std::to_string(i) + std::string(i * 10, 'x');
      if (status = conn.Send(message, deadline); !status.ok()) break;
      absl::StatusOr<std::optional<absl::string_view>> reply = conn.Receive(deadline);
      if (!reply.ok()) {
        status = reply.status();
      } else if (!reply->has_value() || **reply != message) {
        status = absl::InternalError("frame " + std::to_string(i) + " did not come back");
      }
    }
  }
  (*server)->Shutdown(absl::Now() + absl::Seconds(5));
  if (status.ok() && (*server)->stats().frames_in != 50) {
    status =
        absl::InternalError("the server counted " + std::to_string((*server)->stats().frames_in) +
                            " frames in, not 50");
  }
  return status;
}

}  // namespace

int main() {
  std::printf("framekit %s\n", FRAMEKIT_VERSION_STRING);
  absl::Status s = Run();
  if (!s.ok()) {
    std::fprintf(stderr, "server echo: FAILED: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("server echo: OK (50 frames over %s)\n", "loopback TCP");
  return 0;
}

// The examples at the top of server/ headers, compiled and run as written: handler.h's Echo
// served by server.h's server on every core, checked by a client over loopback TCP (see
// framing_examples_test.cc for the convention; examples_in_sync_test.py checks the blocks match).
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/server/connection.h"
#include "framekit/server/handler.h"
#include "framekit/server/server.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/tcp.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

// --- server/handler.h ---
class Echo : public framekit::ConnectionHandler {
 public:
  void OnFrame(framekit::Connection& conn, absl::string_view frame) override {
    (void)conn.Send(frame);  // fails only past ServerOptions::max_output_bytes
  }
  void OnFrames(framekit::Connection& conn, absl::Span<const absl::string_view> frames) override {
    (void)conn.SendBatch(frames);  // one encode pass for the run
  }
};
framekit::HandlerFactory factory = [] { return std::make_unique<Echo>(); };
// ---

// One frame through the running server, from a client of its first listener.
absl::StatusOr<std::string> EchoOnce(const framekit::Server& server, absl::string_view payload) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  absl::StatusOr<ConnectedSocket> socket =
      ConnectTcp(server.local_addresses().at(0).ToString(), deadline);
  if (!socket.ok()) return socket.status();
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
  if (!framer.ok()) return framer.status();
  FramedConnection client(std::move(*socket), **framer);
  if (absl::Status s = client.Send(payload, deadline); !s.ok()) return s;
  absl::StatusOr<std::optional<absl::string_view>> reply = client.Receive(deadline);
  if (!reply.ok()) return reply.status();
  if (!reply->has_value()) return absl::DataLossError("server closed without a reply");
  return std::string(**reply);
}

absl::Status ServerExample(std::string* echoed) {
  // --- server/server.h ---
  framekit::ServerOptions options;
  options.framer_spec = "length:width=4";
  options.listeners.push_back({"127.0.0.1:0"});  // port 0: see local_addresses()
  options.idle_timeout = absl::Seconds(60);
  absl::StatusOr<std::unique_ptr<framekit::Server>> server = framekit::Server::Create(
      options, [] { return std::make_unique<Echo>(); });  // Echo: see handler.h
  if (!server.ok()) return server.status();
  if (absl::Status s = (*server)->Start(); !s.ok()) return s;
  absl::StatusOr<std::string> reply = EchoOnce(**server, "hello");  // test
  if (!reply.ok()) return reply.status();                           // test
  *echoed = *reply;                                                 // test
  (*server)->Shutdown(absl::Now() + absl::Seconds(5));
  // ---
  return absl::OkStatus();
}

TEST(ServerExamples, EchoOnEveryCore) {
  std::string echoed;
  const absl::Status s = ServerExample(&echoed);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(echoed, "hello");
}

TEST(ServerExamples, HandlerFactoryMakesAnEcho) {
  std::unique_ptr<framekit::ConnectionHandler> handler = factory();
  EXPECT_NE(dynamic_cast<Echo*>(handler.get()), nullptr);
}

}  // namespace
}  // namespace framekit

// examples/cmake_consumer/echo_round_trip.cc -- a program built against an installed framekit
// (find_package(framekit 0.1 CONFIG REQUIRED), framekit::framekit): an echo round trip over a
// socketpair. One thread echoes every frame it receives; the main thread sends varint-encoded
// integer sequences as 4-byte length-prefixed frames and checks that each comes back decoded
// to the same values. Exits 0 and prints "echo round trip: OK" when every frame did.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/unix_socket.h"
#include "framekit/version.h"

namespace {

// Echoes frames until the peer closes its end.
absl::Status Echo(framekit::FramedConnection* conn, absl::Time deadline) {
  for (;;) {
    absl::StatusOr<std::optional<absl::string_view>> frame = conn->Receive(deadline);
    if (!frame.ok()) return frame.status();
    if (!frame->has_value()) return absl::OkStatus();  // clean end of stream
    if (absl::Status s = conn->Send(**frame, deadline); !s.ok()) return s;
  }
}

absl::Status RoundTrip() {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::StatusOr<std::unique_ptr<framekit::Framer>> framer =
      framekit::MakeFramer("length:width=4,max=1MiB");
  if (!framer.ok()) return framer.status();
  absl::StatusOr<std::unique_ptr<framekit::Codec>> codec = framekit::MakeCodec("varint");
  if (!codec.ok()) return codec.status();
  auto pair = framekit::SocketPair();
  if (!pair.ok()) return pair.status();

  framekit::FramedConnection client(std::move(pair->first), "client", **framer);
  framekit::FramedConnection server(std::move(pair->second), "server", **framer);
  absl::Status echo_status;
  std::thread echo([&] { echo_status = Echo(&server, deadline); });

  absl::Status status;
  for (uint64_t i = 0; i < 100 && status.ok(); ++i) {
    const std::vector<uint64_t> values = {i, i * i, uint64_t{1} << (i % 64), 0};
    std::string payload;
    if (status = (*codec)->Encode(values, &payload); !status.ok()) break;
    if (status = client.Send(payload, deadline); !status.ok()) break;
    absl::StatusOr<std::optional<absl::string_view>> reply = client.Receive(deadline);
    if (!reply.ok()) {
      status = reply.status();
    } else if (!reply->has_value()) {
      status = absl::DataLossError("the echo side closed early");
    } else {
      std::vector<uint64_t> decoded;
      if (status = (*codec)->DecodeUnsigned(**reply, &decoded); status.ok() && decoded != values) {
        status = absl::InternalError("frame " + std::to_string(i) + " came back different");
      }
    }
  }
  absl::Status shut = client.ShutdownWrite();  // the echo thread sees the end of stream
  echo.join();
  if (!status.ok()) return status;
  if (!shut.ok()) return shut;
  return echo_status;
}

}  // namespace

int main() {
  std::printf("framekit %s (%d.%d.%d)\n", FRAMEKIT_VERSION_STRING, FRAMEKIT_VERSION_MAJOR,
              FRAMEKIT_VERSION_MINOR, FRAMEKIT_VERSION_PATCH);
  absl::Status s = RoundTrip();
  if (!s.ok()) {
    std::fprintf(stderr, "echo round trip: FAILED: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("echo round trip: OK (100 frames)\n");
  return 0;
}

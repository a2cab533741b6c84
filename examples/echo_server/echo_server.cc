// examples/echo_server/echo_server.cc -- the README's server example, built by `bazel build //...`
// so that it keeps compiling: an echo server on every core for 4-byte length-prefixed frames, with
// an idle timeout, stopped by SIGINT/SIGTERM.
//
//   bazel run //examples/echo_server -- 127.0.0.1:7000
#include <signal.h>

#include <cstdio>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/server/server.h"

namespace {

class Echo : public framekit::ConnectionHandler {
 public:
  void OnFrame(framekit::Connection& conn, absl::string_view frame) override {
    (void)conn.Send(frame);  // fails only past ServerOptions::max_output_bytes
  }
  // All the frames of one read, answered with one encode pass.
  void OnFrames(framekit::Connection& conn, absl::Span<const absl::string_view> frames) override {
    (void)conn.SendBatch(frames);
  }
};

absl::Status Serve(const char* address) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the loops start: they inherit it

  framekit::ServerOptions options;
  options.framer_spec = "length:width=4,max=1MiB";
  options.listeners.push_back({address});
  options.idle_timeout = absl::Seconds(60);
  absl::StatusOr<std::unique_ptr<framekit::Server>> server =
      framekit::Server::Create(options, [] { return std::make_unique<Echo>(); });
  if (!server.ok()) return server.status();
  if (absl::Status s = (*server)->Start(); !s.ok()) return s;
  std::printf("serving on %s with %zu loops\n", (*server)->local_addresses()[0].ToString().c_str(),
              (*server)->loops());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  (*server)->Shutdown(absl::Now() + absl::Seconds(5));  // answer, flush, close
  const framekit::ServerStats stats = (*server)->stats();
  std::printf("%llu connections, %llu frames in, %llu out\n",
              static_cast<unsigned long long>(stats.accepted),
              static_cast<unsigned long long>(stats.frames_in),
              static_cast<unsigned long long>(stats.frames_out));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::Status s = Serve(argc > 1 ? argv[1] : "127.0.0.1:7000");
  if (!s.ok()) std::fprintf(stderr, "echo_server: %s\n", s.ToString().c_str());
  return s.ok() ? 0 : 1;
}

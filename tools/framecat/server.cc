// framekit/tools/framecat/server.cc -- see server.h.
#include "framekit/tools/framecat/server.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "framekit/server/server.h"
#include "framekit/tools/framecat/frame_printer.h"
#include "framekit/transport/errors.h"

namespace framekit {
namespace framecat {
namespace {

void LogLine(std::FILE* log, absl::string_view line) {
  std::fprintf(log, "framecat: %.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(log);
}

class EchoHandler : public ConnectionHandler {
 public:
  explicit EchoHandler(const ServeOptions* options) : options_(options) {}
  void OnFrame(Connection& conn, absl::string_view frame) override {
    // Past the hard cap only if one read's echoes outgrow the slack above max_output_bytes.
    if (absl::Status s = conn.Send(frame); !s.ok()) {
      LogLine(options_->log, absl::StrCat("closing ", conn.peer_string(), ": ", s.ToString()));
      conn.Close();
    }
  }
  // All the frames of a read go back with one encode pass.
  void OnFrames(Connection& conn, absl::Span<const absl::string_view> frames) override {
    if (absl::Status s = conn.SendBatch(frames); !s.ok()) {
      LogLine(options_->log, absl::StrCat("closing ", conn.peer_string(), ": ", s.ToString()));
      conn.Close();
    }
  }

 private:
  const ServeOptions* options_;
};

// Print mode: one lock for the output, so that lines from different loops never interleave.
class PrintHandler : public ConnectionHandler {
 public:
  PrintHandler(const ServeOptions* options, std::mutex* mu) : options_(options), mu_(mu) {}
  void OnFrame(Connection& conn, absl::string_view frame) override {
    std::lock_guard<std::mutex> lock(*mu_);
    if (!PrintFrame(frame, options_->hex, options_->out) || std::fflush(options_->out) != 0) {
      LogLine(options_->log, absl::StrCat("closing ", conn.peer_string(),
                                          ": writing a frame to stdout: ", strerror(errno)));
      conn.Close();
    }
  }

 private:
  const ServeOptions* options_;
  std::mutex* mu_;
};

}  // namespace

absl::Status RunServer(const std::string& address, std::shared_ptr<const Framer> framer,
                       const ServeOptions& options) {
  // Blocked before the loops start, so that their threads inherit the mask and sigwait below is
  // the only one to see the signals.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (::pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) return SocketError(errno, "sigmask");

  ServerOptions server_options;
  if (options.backend == "epoll") {
    server_options.backend = ServerOptions::Backend::kEpoll;
  } else if (options.backend == "io_uring") {
    server_options.backend = ServerOptions::Backend::kIoUring;
  } else if (options.backend == "auto") {
    server_options.backend = ServerOptions::Backend::kAuto;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--backend must be epoll, io_uring or auto, got '", options.backend, "'"));
  }
  server_options.reuse_port = options.reuse_port;
  server_options.io_uring_multishot_recv = options.io_uring_multishot_recv;
  server_options.io_uring_defer_taskrun = options.io_uring_defer_taskrun;
  server_options.io_uring_send_zc_min_bytes = options.io_uring_send_zc_min_bytes;
  server_options.io_uring_direct_read_min_bytes = options.io_uring_direct_read_min_bytes;
  server_options.batch_sends = options.batch_sends;
  server_options.listeners.push_back({address});
  server_options.framer = std::move(framer);
  server_options.loops = options.threads;
  server_options.max_connections = options.max_connections;
  server_options.idle_timeout = options.idle_timeout;
  server_options.accept_backoff = options.accept_backoff;
  server_options.output_high_watermark = options.max_output_bytes;
  server_options.output_low_watermark = options.max_output_bytes / 2;
  // Room above the mark for the echoes of the read that crossed it (reads stop only after it).
  server_options.max_output_bytes = options.max_output_bytes + 2 * server_options.read_size;
  server_options.output_stall_timeout = options.drop_stalled_after;
  std::FILE* log = options.log;
  server_options.log = [log](absl::string_view line) { LogLine(log, line); };

  std::mutex print_mu;  // not absl::Mutex: see server/internal/inbox.h
  const ServeOptions* opts = &options;
  HandlerFactory factory;
  if (options.echo) {
    factory = [opts] { return std::make_unique<EchoHandler>(opts); };
  } else {
    factory = [opts, &print_mu] { return std::make_unique<PrintHandler>(opts, &print_mu); };
  }
  const std::string spec = server_options.framer->Spec();
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Create(std::move(server_options), std::move(factory));
  if (!server.ok()) return server.status();
  if (absl::Status s = (*server)->Start(); !s.ok()) return s;
  LogLine(log, absl::StrCat(
                   "listening on ", (*server)->local_addresses()[0].ToString(), " (", spec, ", ",
                   options.echo ? "echo" : "print", ", ", (*server)->loops(),
                   (*server)->loops() == 1 ? " thread, " : " threads, ",
                   (*server)->backend() == ServerOptions::Backend::kIoUring ? "io_uring" : "epoll",
                   ")"));

  int signal = 0;
  while (::sigwait(&mask, &signal) != 0) {
  }
  const ServerStats stats = (*server)->stats();
  LogLine(log, absl::StrCat(signal == SIGINT ? "SIGINT" : "SIGTERM", ": stopping (",
                            stats.connections_open, " connection",
                            stats.connections_open == 1 ? "" : "s", " open; ", stats.accepted,
                            " accepted, ", stats.frames_in, " frames in, ", stats.bytes_in,
                            " bytes in, ", stats.receive_bytes_copied, " of them copied, ",
                            stats.receive_bytes_direct, " read straight into decoders)"));
  (*server)->Shutdown(absl::Now() + absl::Seconds(1));
  return absl::OkStatus();
}

}  // namespace framecat
}  // namespace framekit

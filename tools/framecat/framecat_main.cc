// framekit/tools/framecat/framecat_main.cc
//
// framecat: netcat for framed protocols. Parses the flags, builds the framer (--framer or
// --framer_config, the MakeFramer grammar), then runs one of:
//
//   framecat --listen=HOST:PORT --echo      echo server (server.h)
//   framecat --listen=HOST:PORT             print server: each received frame on stdout, one a line
//   framecat --connect=HOST:PORT            client: stdin lines out as frames, replies printed
//   --unix=PATH in place of HOST:PORT: a server with --serve or --echo, a client otherwise
//   (--listen and --connect also take a Unix path, "/..." or "./...", or an abstract "@name").
//
// Servers announce "framecat: listening on ADDRESS (SPEC, MODE)" on stderr once ready (port 0 picks
// a free port: read it there). Exit status: 0 on success (a server stopped by SIGINT/SIGTERM
// included), 1 on a runtime failure, 2 on bad flags.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/tools/framecat/client.h"
#include "framekit/tools/framecat/server.h"
#include "framekit/transport/tcp.h"
#include "framekit/transport/unix_socket.h"

ABSL_FLAG(std::string, framer, "delimiter",
          "Framer spec, as MakeFramer takes it: KIND[:KEY=VALUE,...], e.g. delimiter, "
          "delimiter:delim=\\r\\n, fixed:size=8,pad=0x20, length:width=4, length:width=varint, "
          "ascii:digits=5, netstring, netstring:max=64KiB.");
ABSL_FLAG(std::string, framer_config, "",
          "Read the framer from this config file instead (one KEY = VALUE per line, kind = KIND "
          "among them). Not together with --framer.");
ABSL_FLAG(std::string, listen, "",
          "Serve on HOST:PORT (port 0 picks a free port; the address is printed on stderr as "
          "'framecat: listening on ADDRESS'). Without --echo, prints each received frame.");
ABSL_FLAG(std::string, connect, "",
          "Connect to HOST:PORT, send each stdin line as one frame (the newline stripped), print "
          "each frame that comes back; at the end of stdin half-close and print until the server "
          "closes.");
ABSL_FLAG(std::string, unix, "",
          "Unix-domain socket PATH (or @NAME, abstract) in place of a TCP address: serves on it "
          "with --serve or --echo, connects to it otherwise.");
ABSL_FLAG(bool, serve, false, "With --unix: serve on PATH rather than connect to it.");
ABSL_FLAG(bool, echo, false,
          "Server: echo each frame back, re-encoded with the same framer, instead of printing it.");
ABSL_FLAG(bool, hex, false, "Print frames as hex digits (for binary payloads), one frame a line.");
ABSL_FLAG(int64_t, max_output_bytes, 4 << 20,
          "Echo server: bytes of echoes queued for one connection above which the server stops "
          "reading from it (its own kernel buffers then push back on the client).");
ABSL_FLAG(absl::Duration, drop_stalled_after, absl::ZeroDuration(),
          "Echo server: drop (and log) a client that stays above --max_output_bytes this long; "
          "0 drops it at once, 'inf' never (it is only paused until it reads again).");
ABSL_FLAG(int64_t, max_connections, 0,
          "Server: most connections served at once; a connection over it is closed at once. 0 "
          "for no limit.");
ABSL_FLAG(int64_t, threads, 0, "Server: event loops (threads); 0 for one per core.");
ABSL_FLAG(std::string, backend, "epoll",
          "Server: how the event loops do I/O: epoll, io_uring, or auto (io_uring where it can be "
          "set up, else epoll, saying why on stderr).");
ABSL_FLAG(bool, reuse_port, false,
          "Server: a listener per thread on the same port (SO_REUSEPORT, the kernel spreads "
          "connections) instead of one thread handing them out round-robin.");
ABSL_FLAG(bool, io_uring_multishot_recv, true,
          "Server, io_uring: one multishot recv per connection (false: a recv per completion; "
          "for measuring what multishot buys).");
ABSL_FLAG(bool, io_uring_defer_taskrun, true,
          "Server, io_uring: IORING_SETUP_DEFER_TASKRUN (false: COOP_TASKRUN; for measuring).");
ABSL_FLAG(bool, batch_sends, true,
          "Server: one write per connection per loop iteration (false: a write per frame; for "
          "measuring what batching buys).");
ABSL_FLAG(int64_t, io_uring_send_zc_min_bytes, 0,
          "Server, io_uring: sends of at least this many bytes as zero-copy send_zc (TCP); 0 "
          "for never (the default; for measuring).");
ABSL_FLAG(int64_t, io_uring_direct_read_min_bytes, 32 * 1024,
          "Server, io_uring: the rest of a frame still missing at least this many bytes (and the "
          "frames after it, while this large) is received straight into the decoder, not "
          "through the buffer ring; 0 for never.");
ABSL_FLAG(absl::Duration, idle_timeout, absl::InfiniteDuration(),
          "Server: close a connection that sends and receives nothing this long (e.g. 30s); "
          "'inf' for never.");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(10),
          "Client: how long to keep trying to connect.");

namespace framekit {
namespace framecat {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int Usage(absl::string_view message) {
  std::fprintf(stderr, "framecat: %.*s (see --help)\n", static_cast<int>(message.size()),
               message.data());
  return kExitUsage;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "framecat: %s\n", status.ToString().c_str());
  return kExitFailure;
}

bool IsUnixAddress(absl::string_view address) {
  return absl::StartsWith(address, "/") || absl::StartsWith(address, ".") ||
         absl::StartsWith(address, "@");
}

absl::StatusOr<ConnectedSocket> Connect(absl::string_view address, bool unix_socket,
                                        absl::Time deadline) {
  return unix_socket ? ConnectUnix(address, deadline) : ConnectTcp(address, deadline);
}

int Main(int argc, char** argv) {
  absl::FlagsUsageConfig config;
  // --help lists every flag of this tool (they live in this directory).
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "tools/framecat/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(
      "netcat for framed protocols.\n"
      "  framecat --listen=HOST:PORT --echo [--framer=SPEC]   echo server\n"
      "  framecat --listen=HOST:PORT [--hex]                  print each received frame\n"
      "  framecat --connect=HOST:PORT [--hex]                 stdin lines as frames, print "
      "replies\n"
      "  framecat --unix=PATH [--serve|--echo] ...            the same over a Unix socket\n"
      "A client sending a bad frame is closed without a reply and logged on stderr as\n"
      "'framecat: closing PEER: REASON'. SIGINT/SIGTERM stop a server cleanly (exit 0).");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) return Usage(absl::StrCat("unexpected argument '", rest[1], "'"));

  const std::string listen = absl::GetFlag(FLAGS_listen);
  const std::string connect = absl::GetFlag(FLAGS_connect);
  const std::string unix_path = absl::GetFlag(FLAGS_unix);
  const bool echo = absl::GetFlag(FLAGS_echo);
  if ((!listen.empty()) + (!connect.empty()) + (!unix_path.empty()) != 1) {
    return Usage("give exactly one of --listen, --connect or --unix");
  }
  if (absl::GetFlag(FLAGS_serve) && unix_path.empty()) return Usage("--serve goes with --unix");
  const bool serve =
      !listen.empty() || (!unix_path.empty() && (absl::GetFlag(FLAGS_serve) || echo));
  if (echo && !serve) return Usage("--echo is for servers (--listen, or --unix with --serve)");
  const int64_t max_output = absl::GetFlag(FLAGS_max_output_bytes);
  if (max_output < 1) return Usage("--max_output_bytes must be at least 1");
  const int64_t max_connections = absl::GetFlag(FLAGS_max_connections);
  if (max_connections < 0) return Usage("--max_connections must not be negative");
  const int64_t threads = absl::GetFlag(FLAGS_threads);
  if (threads < 0 || threads > 1024) return Usage("--threads must be 0 .. 1024");
  const absl::Duration idle_timeout = absl::GetFlag(FLAGS_idle_timeout);
  if (idle_timeout <= absl::ZeroDuration()) return Usage("--idle_timeout must be positive");
  const std::string backend = absl::GetFlag(FLAGS_backend);
  if (backend != "epoll" && backend != "io_uring" && backend != "auto") {
    return Usage("--backend must be epoll, io_uring or auto");
  }
  const absl::Duration drop_stalled_after = absl::GetFlag(FLAGS_drop_stalled_after);
  if (drop_stalled_after < absl::ZeroDuration()) {
    return Usage("--drop_stalled_after must not be negative");
  }

  absl::StatusOr<std::unique_ptr<Framer>> framer;
  const std::string framer_config = absl::GetFlag(FLAGS_framer_config);
  if (!framer_config.empty()) {
    if (absl::GetFlag(FLAGS_framer) != "delimiter") {
      return Usage("give --framer or --framer_config, not both");
    }
    framer = MakeFramerFromConfigFile(framer_config);
  } else {
    framer = MakeFramer(absl::GetFlag(FLAGS_framer));
  }
  if (!framer.ok()) return Usage(framer.status().ToString());

  const std::string address = !unix_path.empty() ? unix_path : serve ? listen : connect;
  const bool unix_socket = !unix_path.empty() || IsUnixAddress(address);
  if (serve) {
    ServeOptions options;
    options.echo = echo;
    options.hex = absl::GetFlag(FLAGS_hex);
    options.threads = static_cast<size_t>(threads);
    options.backend = backend;
    options.reuse_port = absl::GetFlag(FLAGS_reuse_port);
    options.io_uring_multishot_recv = absl::GetFlag(FLAGS_io_uring_multishot_recv);
    options.io_uring_defer_taskrun = absl::GetFlag(FLAGS_io_uring_defer_taskrun);
    const int64_t zc_min = absl::GetFlag(FLAGS_io_uring_send_zc_min_bytes);
    if (zc_min < 0) return Usage("--io_uring_send_zc_min_bytes must be >= 0");
    options.io_uring_send_zc_min_bytes = static_cast<size_t>(zc_min);
    const int64_t direct_min = absl::GetFlag(FLAGS_io_uring_direct_read_min_bytes);
    if (direct_min < 0) return Usage("--io_uring_direct_read_min_bytes must be >= 0");
    options.io_uring_direct_read_min_bytes = static_cast<size_t>(direct_min);
    options.batch_sends = absl::GetFlag(FLAGS_batch_sends);
    options.max_output_bytes = static_cast<size_t>(max_output);
    options.drop_stalled_after = drop_stalled_after;
    options.max_connections = static_cast<size_t>(max_connections);
    options.idle_timeout = idle_timeout;
    // The server tells a Unix path by its first character: "sock" means "./sock" here.
    const std::string where = unix_socket && !IsUnixAddress(address) ? "./" + address : address;
    absl::Status s = RunServer(where, std::shared_ptr<const Framer>(std::move(*framer)), options);
    return s.ok() ? 0 : Fail(s);
  }
  absl::StatusOr<ConnectedSocket> socket =
      Connect(address, unix_socket, absl::Now() + absl::GetFlag(FLAGS_connect_timeout));
  if (!socket.ok()) return Fail(socket.status());
  ClientOptions options;
  options.hex = absl::GetFlag(FLAGS_hex);
  absl::Status s = RunClient(std::move(*socket), **framer, options);
  return s.ok() ? 0 : Fail(s);
}

}  // namespace
}  // namespace framecat
}  // namespace framekit

int main(int argc, char** argv) { return framekit::framecat::Main(argc, argv); }

// framekit/server/server.cc -- see server.h. The loops themselves are in internal/event_loop.cc.
#include "framekit/server/server.h"

#include <sys/stat.h>

#include <cerrno>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/tcp.h"
#include "framekit/transport/unix_socket.h"
#include "server/internal/event_loop.h"

namespace framekit {
namespace {

using server_internal::EventLoop;
using server_internal::ListenerState;
using server_internal::ServerCore;

bool IsUnixAddress(absl::string_view a) {
  return !a.empty() && (a[0] == '/' || a[0] == '.' || a[0] == '@');
}

absl::Status CheckOptions(const ServerOptions& o) {
  if (o.listeners.empty()) return absl::InvalidArgumentError("Server: no listener");
  if (!(o.output_low_watermark <= o.output_high_watermark &&
        o.output_high_watermark <= o.max_output_bytes && o.max_output_bytes >= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Server: the output bounds must satisfy low <= high <= max_output_bytes >= 1; got low ",
        o.output_low_watermark, ", high ", o.output_high_watermark, ", max ", o.max_output_bytes));
  }
  if (o.read_size < 1 || o.read_size > (size_t{16} << 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Server: read_size must be 1 .. 16 MiB, got ", o.read_size));
  }
  if (o.io_uring_buffers < 1 || o.io_uring_buffers > 32768 ||
      (o.io_uring_buffers & (o.io_uring_buffers - 1)) != 0 || o.io_uring_buffer_size < 1 ||
      o.io_uring_buffer_size > (size_t{1} << 20)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Server: io_uring_buffers must be a power of two in 1 .. 32768 and io_uring_buffer_size "
        "1 .. 1 MiB; got ",
        o.io_uring_buffers, " and ", o.io_uring_buffer_size));
  }
  if (o.idle_timeout <= absl::ZeroDuration() || o.output_stall_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "Server: idle_timeout must be > 0 and output_stall_timeout >= 0 (Infinite: none)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Framer>> FramerOf(const std::shared_ptr<const Framer>& framer,
                                                       const std::string& spec) {
  if (framer != nullptr) return framer;
  if (spec.empty()) return nullptr;
  absl::StatusOr<std::unique_ptr<Framer>> made = MakeFramer(spec);
  if (!made.ok()) return made.status();
  return std::shared_ptr<const Framer>(std::move(*made));
}

absl::StatusOr<Listener> Bind(const ListenerOptions& l, bool reuse_port) {
  ListenOptions options;
  options.backlog = l.backlog;
  options.reuse_port = reuse_port;
  if (!IsUnixAddress(l.address)) {
    if (l.unix_mode >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("listener ", l.address, ": unix_mode is for Unix socket paths"));
    }
    return ListenTcp(l.address, options);
  }
  absl::StatusOr<Listener> listener = ListenUnix(l.address, options);
  if (!listener.ok() || l.unix_mode < 0) return listener;
  if (l.address[0] == '@') {
    return absl::InvalidArgumentError(
        absl::StrCat("listener ", l.address, ": an abstract socket has no file mode"));
  }
  // Between bind and chmod the file has the umask's mode; nobody is accepted before Start().
  if (::chmod(l.address.c_str(), static_cast<mode_t>(l.unix_mode)) != 0) {
    return SocketError(errno, "chmod", l.address);
  }
  return listener;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Create(ServerOptions options,
                                                       HandlerFactory factory) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  if (!factory) return absl::InvalidArgumentError("Server: no HandlerFactory");
  absl::StatusOr<std::shared_ptr<const Framer>> server_framer =
      FramerOf(options.framer, options.framer_spec);
  if (!server_framer.ok()) return server_framer.status();
  if (options.loops == 0) options.loops = std::max(1u, std::thread::hardware_concurrency());

  auto core = std::make_unique<ServerCore>(options, std::move(factory));
  for (const ListenerOptions& l : core->options.listeners) {
    absl::StatusOr<std::shared_ptr<const Framer>> framer = FramerOf(l.framer, l.framer_spec);
    if (!framer.ok()) return WithContext(framer.status(), absl::StrCat("listener ", l.address));
    if (*framer == nullptr) framer = *server_framer;
    if (*framer == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "listener ", l.address, ": no framer (set framer_spec or framer, for it or the server)"));
    }
    const bool per_loop = options.reuse_port && !IsUnixAddress(l.address);
    absl::StatusOr<Listener> listener = Bind(l, per_loop);
    if (!listener.ok()) return listener.status();
    const SocketAddress bound = listener->local_address();
    core->addresses.push_back(bound);
    auto state = std::make_unique<ListenerState>(ListenerState{std::move(*listener), *framer});
    state->keep_local = per_loop;
    core->listeners.push_back(std::move(state));
    // SO_REUSEPORT: the other loops' sockets on the port the first one got.
    for (size_t i = 1; per_loop && i < options.loops; ++i) {
      ListenOptions listen_options;
      listen_options.backlog = l.backlog;
      listen_options.reuse_port = true;
      absl::StatusOr<Listener> more = ListenAt(bound, listen_options);
      if (!more.ok()) return more.status();
      auto extra = std::make_unique<ListenerState>(ListenerState{std::move(*more), *framer});
      extra->loop = i;
      extra->keep_local = true;
      core->listeners.push_back(std::move(extra));
    }
  }
  if (options.backend != ServerOptions::Backend::kEpoll) {
    absl::Status why = server_internal::UringAvailable(core->options);
    for (size_t i = 0; why.ok() && i < core->options.loops; ++i) {
      std::unique_ptr<EventLoop> loop = server_internal::NewUringLoop(core.get(), i, &why);
      if (loop != nullptr) core->loops.push_back(std::move(loop));
    }
    if (why.ok()) {
      core->backend = ServerOptions::Backend::kIoUring;
    } else if (options.backend == ServerOptions::Backend::kIoUring) {
      return WithContext(why, "Server (backend io_uring)");
    } else {
      core->loops.clear();
      core->Log(absl::StrCat("io_uring unavailable, using epoll: ", why.ToString()));
    }
  }
  if (core->loops.empty()) {
    for (size_t i = 0; i < core->options.loops; ++i) {
      absl::Status error;
      std::unique_ptr<EventLoop> loop = server_internal::NewEpollLoop(core.get(), i, &error);
      if (loop == nullptr) return error;
      core->loops.push_back(std::move(loop));
    }
  }
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

Server::Server(std::unique_ptr<ServerCore> core) : core_(std::move(core)) {}

Server::~Server() { Shutdown(absl::Now()); }

std::vector<SocketAddress> Server::local_addresses() const { return core_->addresses; }

size_t Server::loops() const { return core_->loops.size(); }

ServerOptions::Backend Server::backend() const { return core_->backend; }

absl::Status Server::Start() {
  if (!core_->threads.empty() || core_->shut_down) {
    return absl::FailedPreconditionError("Server: already started (or shut down)");
  }
  for (auto& loop : core_->loops) {
    EventLoop* l = loop.get();
    core_->threads.emplace_back([l] { l->Run(); });
  }
  // Every loop set up (an io_uring loop creates its ring on its own thread), or none serves.
  if (absl::Status s = core_->AwaitSetup(core_->loops.size()); !s.ok()) {
    Shutdown(absl::InfinitePast());
    return s;
  }
  return absl::OkStatus();
}

void Server::Shutdown(absl::Time deadline) {
  core_->shut_down = true;
  for (auto& loop : core_->loops) loop->inbox()->RequestShutdown(deadline);
  for (std::thread& t : core_->threads) {
    if (t.joinable()) t.join();
  }
  // Only now: closing a listener resets the connections still queued on it.
  core_->listeners.clear();
}

ServerStats Server::stats() const { return core_->Stats(); }

}  // namespace framekit

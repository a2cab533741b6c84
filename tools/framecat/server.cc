// framekit/tools/framecat/server.cc -- see server.h.
#include "framekit/tools/framecat/server.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "framekit/tools/framecat/frame_printer.h"
#include "framekit/tools/framecat/write_waiter.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/poller.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {
namespace framecat {
namespace {

// Poller tokens of the server's own descriptors; connections use their address (never this small).
constexpr uint64_t kListenerToken = 1;
constexpr uint64_t kSignalToken = 2;
constexpr uint64_t kWaiterToken = 3;

struct Connection {
  Connection(ConnectedSocket socket, const Framer& framer, FramedConnectionOptions options)
      : conn(std::move(socket), framer, options) {}

  FramedConnection conn;
  uint32_t interest = Poller::kReadable;  // as registered with the poller
  bool end_of_stream = false;             // the peer half-closed: no more reading
  bool draining = false;                  // moved from the poller to the WriteWaiter
  bool closed = false;                    // waiting for deletion at the end of the event batch
};

class Server {
 public:
  Server(Listener listener, const Framer& framer, const ServerOptions& options, Poller poller,
         WriteWaiter waiter, SocketFd signals)
      : listener_(std::move(listener)),
        framer_(framer),
        options_(options),
        poller_(std::move(poller)),
        waiter_(std::move(waiter)),
        signals_(std::move(signals)) {}

  absl::Status Run();

 private:
  void Log(absl::string_view peer, absl::string_view reason) {
    std::fprintf(options_.log, "framecat: closing %.*s: %.*s\n", static_cast<int>(peer.size()),
                 peer.data(), static_cast<int>(reason.size()), reason.data());
    std::fflush(options_.log);
  }

  // Registers the listener with the poller when accepting is allowed, removes it when not.
  absl::Status SyncListener();
  void AcceptAll();
  void OnEvent(Connection* c, const Poller::Event& e);
  void OnReadable(Connection* c);
  void Flush(Connection* c);
  // Brings the connection's registration in line with its state (or closes it when done).
  void Update(Connection* c);
  // Closes the connection; logs `reason` unless it is empty.
  void Close(Connection* c, absl::string_view reason);
  // True when a SIGINT/SIGTERM was read.
  bool ReadSignal();

  Listener listener_;
  const Framer& framer_;
  ServerOptions options_;
  Poller poller_;
  WriteWaiter waiter_;
  SocketFd signals_;

  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::vector<std::unique_ptr<Connection>> closed_;  // deleted after each event batch
  bool listening_ = false;                           // listener registered with the poller
  absl::Time accept_paused_until_ = absl::InfinitePast();
  bool accept_error_logged_ = false;
};

absl::Status Server::SyncListener() {
  bool want = absl::Now() >= accept_paused_until_ &&
              (options_.max_connections == 0 || connections_.size() < options_.max_connections);
  if (want == listening_) return absl::OkStatus();
  absl::Status s = want ? poller_.Add(listener_.fd(), Poller::kReadable, kListenerToken)
                        : poller_.Remove(listener_.fd());
  if (s.ok()) listening_ = want;
  return s;
}

void Server::AcceptAll() {
  while (options_.max_connections == 0 || connections_.size() < options_.max_connections) {
    absl::StatusOr<ConnectedSocket> socket = Accept(listener_, absl::InfinitePast());
    if (!socket.ok()) {
      if (absl::IsDeadlineExceeded(socket.status())) return;  // none pending
      // Out of descriptors or memory (or anything else wrong with the listener): pausing is the
      // only way not to spin, since the pending connection keeps the listener readable.
      if (!accept_error_logged_) {
        std::fprintf(options_.log, "framecat: accept: %s; pausing accepts for %s\n",
                     socket.status().ToString().c_str(),
                     absl::FormatDuration(options_.accept_backoff).c_str());
        std::fflush(options_.log);
        accept_error_logged_ = true;
      }
      accept_paused_until_ = absl::Now() + options_.accept_backoff;
      return;
    }
    accept_error_logged_ = false;
    FramedConnectionOptions conn_options;
    conn_options.max_queued_bytes = std::max<size_t>(options_.max_output_bytes, 1);
    // Thousands of mostly idle clients: between bursts a connection holds no read buffer (each
    // readable event allocates one read's worth and frees it once every frame is echoed).
    conn_options.max_idle_read_buffer = 0;
    auto c = std::make_unique<Connection>(std::move(*socket), framer_, conn_options);
    absl::Status s = poller_.Add(c->conn.fd(), Poller::kReadable, c.get());
    if (!s.ok()) {
      Log(c->conn.peer(), s.ToString());
      continue;
    }
    Connection* raw = c.get();
    connections_.emplace(raw, std::move(c));
  }
}

void Server::OnEvent(Connection* c, const Poller::Event& e) {
  if ((e.readable || e.hangup || e.error) && !c->end_of_stream) OnReadable(c);
  if (c->closed) return;
  if (e.writable || (e.error && c->conn.queued_bytes() > 0)) Flush(c);
  if (c->closed) return;
  Update(c);
}

void Server::OnReadable(Connection* c) {
  absl::Status queue_error;
  bool print_failed = false;
  absl::StatusOr<FramedConnection::ReadState> state =
      c->conn.ReadAvailable([&](absl::string_view frame) {
        if (!queue_error.ok()) return;
        if (options_.echo) {
          queue_error = c->conn.Queue(frame);
        } else if (!PrintFrame(frame, options_.hex, options_.out)) {
          print_failed = true;
        }
      });
  if (!queue_error.ok()) {
    if (absl::IsResourceExhausted(queue_error)) {
      Close(c, absl::StrCat("not reading: over --max_output_bytes=", options_.max_output_bytes,
                            " of echoes queued (", queue_error.ToString(), ")"));
    } else {
      Close(c, queue_error.ToString());
    }
    return;
  }
  if (print_failed) {
    Close(c, absl::StrCat("writing a frame to stdout: ", strerror(errno)));
    return;
  }
  if (!state.ok()) {
    Close(c, state.status().ToString());
    return;
  }
  if (*state == FramedConnection::ReadState::kEndOfStream) c->end_of_stream = true;
  if (c->conn.queued_bytes() > 0) Flush(c);  // most echoes go out at once, without a poll round
}

void Server::Flush(Connection* c) {
  absl::Status s = c->conn.FlushSome();
  // A full socket buffer is not an error: the rest goes when it is writable again.
  if (!s.ok() && !absl::IsDeadlineExceeded(s)) Close(c, s.ToString());
}

void Server::Update(Connection* c) {
  if (c->end_of_stream) {
    if (c->conn.queued_bytes() == 0) {
      Close(c, "");  // everything owed was written
      return;
    }
    if (!c->draining) {
      absl::Status s = poller_.Remove(c->conn.fd());
      if (s.ok()) s = waiter_.Add(c->conn.fd(), c);
      if (!s.ok()) {
        Close(c, s.ToString());
        return;
      }
      c->draining = true;
    }
    return;
  }
  uint32_t want = Poller::kReadable | (c->conn.queued_bytes() > 0 ? uint32_t{Poller::kWritable} : uint32_t{0});
  if (want == c->interest) return;
  absl::Status s = poller_.Modify(c->conn.fd(), want, c);
  if (!s.ok()) {
    Close(c, s.ToString());
    return;
  }
  c->interest = want;
}

void Server::Close(Connection* c, absl::string_view reason) {
  if (c->closed) return;
  if (!reason.empty()) Log(c->conn.peer(), reason);
  // Unregister before the descriptor closes (see poller.h); errors here cannot be acted on.
  if (c->draining) {
    (void)waiter_.Remove(c->conn.fd());
  } else {
    (void)poller_.Remove(c->conn.fd());
  }
  c->closed = true;
  auto it = connections_.find(c);
  closed_.push_back(std::move(it->second));
  connections_.erase(it);
}

bool Server::ReadSignal() {
  struct signalfd_siginfo info;
  ssize_t n = ::read(signals_.get(), &info, sizeof(info));
  if (n != static_cast<ssize_t>(sizeof(info))) return false;
  const char* name = info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
  std::fprintf(options_.log, "framecat: %s: stopping (%zu connection%s open)\n", name,
               connections_.size(), connections_.size() == 1 ? "" : "s");
  std::fflush(options_.log);
  return true;
}

absl::Status Server::Run() {
  if (absl::Status s = poller_.Add(signals_.get(), Poller::kReadable, kSignalToken); !s.ok()) {
    return s;
  }
  if (absl::Status s = poller_.Add(waiter_.fd(), Poller::kReadable, kWaiterToken); !s.ok()) {
    return s;
  }
  if (absl::Status s = SyncListener(); !s.ok()) return s;
  std::fprintf(options_.log, "framecat: listening on %s (%s, %s)\n",
               listener_.local_address().ToString().c_str(), framer_.Spec().c_str(),
               options_.echo ? "echo" : "print");
  std::fflush(options_.log);

  std::vector<Poller::Event> events;
  std::vector<void*> writable;
  for (;;) {
    absl::Duration timeout = absl::InfiniteDuration();
    if (!listening_ && accept_paused_until_ != absl::InfinitePast()) {
      timeout = std::max(absl::ZeroDuration(), accept_paused_until_ - absl::Now());
    }
    if (absl::Status s = poller_.Wait(timeout, &events); !s.ok()) return s;
    for (const Poller::Event& e : events) {
      switch (e.token) {
        case kSignalToken:
          if (ReadSignal()) {
            connections_.clear();  // closes every connection
            return absl::OkStatus();
          }
          break;
        case kListenerToken:
          AcceptAll();
          break;
        case kWaiterToken:
          if (absl::Status s = waiter_.Ready(&writable); !s.ok()) return s;
          for (void* token : writable) {
            auto* c = static_cast<Connection*>(token);
            if (c->closed) continue;
            Flush(c);
            if (!c->closed) Update(c);
          }
          break;
        default: {
          auto* c = static_cast<Connection*>(e.pointer());
          if (!c->closed) OnEvent(c, e);
        }
      }
    }
    closed_.clear();
    if (!options_.echo) std::fflush(options_.out);
    if (absl::Now() >= accept_paused_until_) accept_paused_until_ = absl::InfinitePast();
    if (absl::Status s = SyncListener(); !s.ok()) return s;
  }
}

}  // namespace

absl::Status RunServer(Listener listener, const Framer& framer, const ServerOptions& options) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) return SocketError(errno, "sigprocmask");
  SocketFd signals(::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signals.valid()) return SocketError(errno, "signalfd");

  absl::StatusOr<Poller> poller = Poller::Create();
  if (!poller.ok()) return poller.status();
  absl::StatusOr<WriteWaiter> waiter = WriteWaiter::Create();
  if (!waiter.ok()) return waiter.status();
  Server server(std::move(listener), framer, options, std::move(*poller), std::move(*waiter),
                std::move(signals));
  return server.Run();
}

}  // namespace framecat
}  // namespace framekit

// framekit/tools/framecat/client.cc -- see client.h.
#include "framekit/tools/framecat/client.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "framekit/tools/framecat/frame_printer.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {
namespace framecat {
namespace {

// Reads `in_fd` until EOF (then half-closes `conn`) or until `stop` is signalled, sending its
// lines as frames. Returns the first error.
absl::Status SendLines(int in_fd, int stop_fd, FramedConnection* conn) {
  std::string pending;  // the start of a line whose '\n' has not come yet
  std::vector<char> chunk(64 * 1024);
  std::vector<absl::string_view> frames;
  for (;;) {
    struct pollfd fds[2] = {{in_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return SocketError(errno, "poll stdin");
    }
    if (fds[1].revents != 0) return absl::OkStatus();  // the receiver is done
    ssize_t n = ::read(in_fd, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return SocketError(errno, "read stdin");
    }
    if (n == 0) {
      if (!pending.empty()) {
        if (absl::Status s = conn->Send(pending); !s.ok()) return s;
      }
      return conn->ShutdownWrite();
    }
    pending.append(chunk.data(), static_cast<size_t>(n));
    frames.clear();
    absl::string_view rest = pending;
    for (size_t eol; (eol = rest.find('\n')) != absl::string_view::npos;) {
      frames.push_back(rest.substr(0, eol));
      rest.remove_prefix(eol + 1);
    }
    if (frames.empty()) continue;
    if (absl::Status s = conn->SendBatch(frames); !s.ok()) return s;
    pending.erase(0, pending.size() - rest.size());
  }
}

}  // namespace

absl::Status RunClient(ConnectedSocket socket, const Framer& framer, const ClientOptions& options) {
  FramedConnection conn(std::move(socket), framer);
  SocketFd stop(::eventfd(0, EFD_CLOEXEC));
  if (!stop.valid()) return SocketError(errno, "eventfd");

  absl::Status send_status;
  std::thread sender([&] { send_status = SendLines(options.in_fd, stop.get(), &conn); });

  absl::Status receive_status;
  for (;;) {
    absl::StatusOr<std::optional<absl::string_view>> frame = conn.Receive();
    if (!frame.ok()) {
      receive_status = frame.status();
      break;
    }
    if (!frame->has_value()) break;  // the server closed
    if (!PrintFrame(**frame, options.hex, options.out) || std::fflush(options.out) != 0) {
      receive_status =
          absl::UnknownError(absl::StrCat("writing a frame to stdout: ", strerror(errno)));
      break;
    }
  }
  // Stop the sender: wake it if it waits for input, fail its write if it waits for buffer space.
  uint64_t one = 1;
  (void)!::write(stop.get(), &one, sizeof(one));
  ::shutdown(conn.fd(), SHUT_RDWR);
  sender.join();
  if (!receive_status.ok()) return receive_status;
  return send_status;
}

}  // namespace framecat
}  // namespace framekit

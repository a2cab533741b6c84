// framekit/benchmarks/server/asio/asio_echo_server.cc
//
// Boost.Asio peer for the server benchmark: a multi-threaded echo server for the benchmark's
// framing (4-byte big-endian payload length, then the payload). Every frame is echoed back, header
// and payload byte for byte, in order; a header announcing more than 16 MiB closes that connection.
//   bazel build -c opt //benchmarks/server/asio:asio_echo_server
//   bazel-bin/benchmarks/server/asio/asio_echo_server --port=0 --threads=2
// Prints "listening on 127.0.0.1:PORT" once listening; exits 0 on SIGTERM or SIGINT.
//
// Threading: an io_context per thread, each run by exactly one thread (the io_context pool of
// Asio's HTTP server 2 example), and one acceptor, on context 0, handing accepted sockets to the
// contexts round-robin. A connection lives on one context, so it needs no strand and no lock.
// Chosen over an SO_REUSEPORT acceptor per context: the kernel spreads REUSEPORT connections by a
// hash of the address 4-tuple, so a benchmark's few long-lived connections can land unevenly (three
// on one thread, one on the other); round-robin is exact, and accepting is not on the hot path.
//
// Per connection: a 64 KiB input buffer filled by async_read_some. Each read's complete frames
// (contiguous in the input) are appended, with one copy, to the pending output buffer; a partial
// frame's bytes move to the front for the next read, and the input grows to hold a frame larger
// than 64 KiB (up to 16 MiB + header). Output is double-buffered: one async_write is in flight with
// everything gathered before it started, while reading goes on and gathers the next batch; when the
// write completes, the whole gathered batch goes out as the next single write. So a pipelining
// client's reads and writes overlap instead of alternating, and a long write (a big frame, a slow
// reader) does not stall reading. (With 2 cores shared with the client, alternating measured the
// same within noise; overlap is the choice that does not serialize the two directions.)
// Back-pressure: reading pauses once the gathered batch reaches 64 KiB with a write still in
// flight, so a client that does not read cannot grow the server's memory. Buffers keep their
// capacity, and the read and the write operations each reuse memory of their own (HandlerMemory):
// no allocation per frame, nor per read or write, in steady state.
#include <algorithm>
#include <boost/asio.hpp>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kHeader = 4;
constexpr size_t kMaxPayload = size_t{16} << 20;
constexpr size_t kReadBuffer = size_t{64} << 10;
constexpr size_t kPendingHighWater = size_t{64} << 10;  // reading pauses at this much unsent output

// Memory for a connection's one outstanding read (or write) operation, reused by every read (or
// write): Asio's "allocation" example. Asio's own per-thread cache keeps a single block, which
// misses when a read completion starts both a write and the next read.
class HandlerMemory {
 public:
  void* Allocate(size_t size) {
    if (in_use_ || size > sizeof(storage_)) return ::operator new(size);
    in_use_ = true;
    return &storage_;
  }
  void Deallocate(void* p) {
    if (p == &storage_) {
      in_use_ = false;
    } else {
      ::operator delete(p);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[1024];
  bool in_use_ = false;
};

template <typename T>
struct HandlerAllocator {
  using value_type = T;
  explicit HandlerAllocator(HandlerMemory& memory) : memory(&memory) {}
  template <typename U>
  HandlerAllocator(const HandlerAllocator<U>& other) : memory(other.memory) {}
  T* allocate(size_t n) { return static_cast<T*>(memory->Allocate(sizeof(T) * n)); }
  void deallocate(T* p, size_t) { memory->Deallocate(p); }
  bool operator==(const HandlerAllocator& other) const { return memory == other.memory; }
  bool operator!=(const HandlerAllocator& other) const { return memory != other.memory; }
  HandlerMemory* memory;
};

// A completion handler whose associated allocator draws from `memory` (Boost 1.74 predates
// asio::bind_allocator).
template <typename Handler>
struct WithMemory {
  using allocator_type = HandlerAllocator<Handler>;
  allocator_type get_allocator() const noexcept { return allocator_type(*memory); }
  template <typename... Args>
  void operator()(Args&&... args) {
    handler(std::forward<Args>(args)...);
  }
  HandlerMemory* memory;
  Handler handler;
};

template <typename Handler>
WithMemory<Handler> UsingMemory(HandlerMemory& memory, Handler handler) {
  return WithMemory<Handler>{&memory, std::move(handler)};
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(tcp::socket socket) : socket_(std::move(socket)), in_(kReadBuffer) {}

  void Start() { Read(); }

 private:
  enum class ReadState { kReading, kPaused, kDone };

  void Read() {
    read_state_ = ReadState::kReading;
    auto on_read = [this, self = shared_from_this()](const error_code& ec, size_t n) {
      OnRead(ec, n);
    };
    socket_.async_read_some(asio::buffer(in_.data() + in_len_, in_.size() - in_len_),
                            UsingMemory(read_memory_, std::move(on_read)));
  }

  void OnRead(const error_code& ec, size_t n) {
    if (ec) {  // EOF or error: read no more; a write in flight still completes
      read_state_ = ReadState::kDone;
      return;
    }
    in_len_ += n;
    if (!TakeFrames()) {  // a header announced more than 16 MiB
      read_state_ = ReadState::kDone;
      Close();
      return;
    }
    if (!writing_ && !pending_.empty()) Write();
    if (pending_.size() < kPendingHighWater) {
      Read();
    } else {
      read_state_ = ReadState::kPaused;
    }
  }

  // Appends every complete frame in in_[0, in_len_) to pending_, moves the partial frame's bytes
  // to the front and grows in_ to fit that frame. False if a header announces over kMaxPayload.
  bool TakeFrames() {
    const auto* p = reinterpret_cast<const unsigned char*>(in_.data());
    size_t pos = 0;
    size_t partial_frame_size = 0;
    while (in_len_ - pos >= kHeader) {
      const size_t payload = (size_t{p[pos]} << 24) | (size_t{p[pos + 1]} << 16) |
                             (size_t{p[pos + 2]} << 8) | size_t{p[pos + 3]};
      if (payload > kMaxPayload) return false;
      if (in_len_ - pos < kHeader + payload) {
        partial_frame_size = kHeader + payload;
        break;
      }
      pos += kHeader + payload;
    }
    if (pos > 0) {
      pending_.insert(pending_.end(), in_.data(), in_.data() + pos);
      std::memmove(in_.data(), in_.data() + pos, in_len_ - pos);
      in_len_ -= pos;
    }
    if (partial_frame_size > in_.size()) in_.resize(partial_frame_size);
    return true;
  }

  void Write() {
    writing_ = true;
    out_.swap(pending_);  // pending_ takes out_'s emptied buffer, capacity kept
    auto on_write = [this, self = shared_from_this()](const error_code& ec, size_t) {
      OnWrite(ec);
    };
    asio::async_write(socket_, asio::buffer(out_), UsingMemory(write_memory_, std::move(on_write)));
  }

  void OnWrite(const error_code& ec) {
    writing_ = false;
    if (ec) {
      Close();
      return;
    }
    out_.clear();
    if (!pending_.empty()) Write();
    if (read_state_ == ReadState::kPaused) Read();
  }

  void Close() {
    error_code ignored;
    socket_.close(ignored);  // cancels the other operation in flight, if any
  }

  HandlerMemory read_memory_;
  HandlerMemory write_memory_;
  tcp::socket socket_;
  std::vector<char> in_;
  size_t in_len_ = 0;
  std::vector<char> out_;      // being written
  std::vector<char> pending_;  // gathered while out_ is written
  bool writing_ = false;
  ReadState read_state_ = ReadState::kReading;
};

class Server {
 public:
  Server(std::vector<std::unique_ptr<asio::io_context>>& contexts, uint16_t port)
      : contexts_(contexts),
        acceptor_(*contexts[0], tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {}

  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void Accept() {
    asio::io_context& target = *contexts_[next_];
    next_ = (next_ + 1) % contexts_.size();
    acceptor_.async_accept(target, [this](const error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto executor = socket.get_executor();  // the target context's
        auto connection = std::make_shared<Connection>(std::move(socket));
        // Start on the connection's own thread: from then on only that thread touches it.
        asio::post(executor, [connection] { connection->Start(); });
      }
      Accept();
    });
  }

 private:
  std::vector<std::unique_ptr<asio::io_context>>& contexts_;
  tcp::acceptor acceptor_;
  size_t next_ = 0;
};

bool ParseFlag(const char* arg, const char* name, long min, long max, long* value) {
  const size_t len = std::strlen(name);
  if (std::strncmp(arg, name, len) != 0) return false;
  char* end = nullptr;
  errno = 0;
  *value = std::strtol(arg + len, &end, 10);
  if (end == arg + len || *end != '\0' || errno != 0 || *value < min || *value > max) {
    std::cerr << "asio_echo_server: bad value in " << arg << "\n";
    std::exit(2);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  long port = 0;
  long threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    if (!ParseFlag(argv[i], "--port=", 0, 65535, &port) &&
        !ParseFlag(argv[i], "--threads=", 1, 1024, &threads)) {
      std::cerr << "usage: asio_echo_server [--port=P] [--threads=N]\n";
      return 2;
    }
  }

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  for (long i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));  // hint: one thread runs it
    keep_running.push_back(asio::make_work_guard(*contexts.back()));
  }
  try {
    Server server(contexts, static_cast<uint16_t>(port));
    asio::signal_set signals(*contexts[0], SIGINT, SIGTERM);
    signals.async_wait([&contexts](const error_code&, int) {
      for (auto& context : contexts) context->stop();
    });
    server.Accept();
    std::cout << "listening on 127.0.0.1:" << server.port() << std::endl;

    std::vector<std::thread> pool;
    for (size_t i = 1; i < contexts.size(); ++i)
      pool.emplace_back([&c = *contexts[i]] { c.run(); });
    contexts[0]->run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::cerr << "asio_echo_server: " << e.what() << "\n";
    return 1;
  }
  return 0;  // the contexts' destructors close the remaining connections
}

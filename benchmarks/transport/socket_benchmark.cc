// Loopback TCP throughput of framed connections (issue: transport, framed connections).
//
// What is measured: messages of one payload size (16 B, 256 B, 4 KiB, 64 KiB) moved over one
// loopback TCP connection (127.0.0.1, port 0) from a sender thread to the receiver (the benchmark
// thread). The connection is set up once per benchmark run, not per iteration. Each iteration asks
// the sender for one batch (16 MiB of payload, at most 16384 messages for the HOWTO port) and
// returns when the receiver has counted every message of it, so the measured (real) time covers the
// whole transfer. Counters: msgs/s and bytes/s (payload bytes only; headers are not counted).
//
//   socket/raw/N            the upper bound: the same payload bytes, unframed, written in 64 KiB
//                           WriteAll calls; the receiver ReadSome()s 64 KiB until the byte count.
//   socket/howto/N          a faithful port of Python's Socket Programming HOWTO (mysend/myreceive)
//                           with a 5-digit ASCII length header: plain POSIX on blocking sockets,
//                           Nagle left on (Python's default); per message the sender builds
//                           "%05d" + payload and loops on send() until all of it is sent; the
//                           receiver loops recv(5 - got) for the header, then
//                           recv(min(len - got, 2048)) for the payload (the HOWTO's own cap).
//   socket/framekit/SPEC/N  FramedConnection: SendBatch of up to 1024 frames / 64 KiB of
//                           payload per call on the sender; Receive() in a loop on the receiver.
//                           Each run also moves the same batch over a second, raw connection,
//                           alternating with the framed batches (ABBA), and reports x_raw_paired =
//                           raw time / framed time: the ratio to raw under the same load (msgs/s
//                           and the CPU counters cover the framed batches only).
//   socket/receivebatch/SPEC/16   the same sender, the receiver using ReceiveBatch() (the batch
//                           receive API: one call per read, a callback per frame).
//   socket/coalesced/SPEC/4096   socket/framekit with the sender's copy_threshold above 4 KiB:
//                           each SendBatch one contiguous buffer instead of payloads by reference.
//   socket/uring/SPEC/N     the same sender, the receiver reading through io_uring as the
//                           server's io_uring backend does (server/internal/uring_ring.h: one
//                           multishot recv into provided buffers, frames decoded in place by
//                           Deliver), alternating with the same batches read by Receive() on a
//                           second connection: x_recv_paired = recv time / io_uring time.
//
// At the end a Markdown summary per payload size gives msgs/s, MB/s, the ratio to raw and to the
// HOWTO port, each thread's CPU ns per message, and the targets (met / not met): >= 0.9x
// raw bytes/s at 4 KiB and 64 KiB, >= 40M msgs/s at 16 B, >= 50x the HOWTO port's msgs/s at 16 B.
// The machine is shared, so by default every benchmark runs 3 times in random order
// (--benchmark_repetitions=3 --benchmark_enable_random_interleaving=true
// --benchmark_min_time=0.2, each overridable); the summary takes each benchmark's best run (load
// only slows a run down), and the median of the paired ratio. The default run takes ~45 s.
//
//   bazel run -c opt //benchmarks/transport:socket_benchmark
//   bazel run -c opt //benchmarks/transport:socket_benchmark -- --benchmark_repetitions=5
//
// Threads are pinned (benchmarks/cpu_pinning.h): the receiver to one CPU, the senders to another,
// so a framed stream and its paired raw stream always run with the same placement;
// --pin_cpus=false leaves placement to the scheduler.
//
// Every loop is bounded in count and time: a batch has a fixed message count; sends and receives
// have a 30 s deadline (SO_SNDTIMEO/SO_RCVTIMEO for the HOWTO port); an idle sender gives up after
// 120 s. A failure ends the benchmark with an error, never a hang.
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "framekit/benchmarks/cpu_pinning.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/transport/connected_socket.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/listener.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"
#include "server/internal/uring_ring.h"

namespace framekit {
namespace {

constexpr size_t kSizes[] = {16, 256, 4096, 65536};
// Payload bytes per iteration (a multiple of 64 KiB, so the raw stream is whole 64 KiB writes).
constexpr uint64_t kBatchBytes = uint64_t{16} << 20;
// The HOWTO port is far slower at small sizes: fewer messages keep its iterations short.
constexpr uint64_t kHowtoMaxMessages = 16384;
constexpr size_t kChunk = 64 * 1024;
// SendBatch groups: at most this many frames and about kChunk payload bytes per call.
constexpr size_t kMaxFramesPerSend = 1024;
constexpr absl::Duration kIoTimeout = absl::Seconds(30);
constexpr std::chrono::seconds kSenderIdleLimit{120};

const char* const kFramerSpecs[] = {
    "delimiter", "fixed", "length:width=4", "length:width=varint", "ascii:digits=5", "netstring",
};

// The spec actually used: fixed-length frames take the payload size.
std::string SpecFor(absl::string_view spec, size_t size) {
  if (spec == "fixed") return absl::StrCat("fixed:size=", size);
  return std::string(spec);
}

uint64_t MessagesPerBatch(size_t size) { return kBatchBytes / size; }

std::string Payload(size_t size) {
  // Printable letters: never '\n' (delimiter) nor ',' (netstring trailer).
  std::string p(size, '\0');
  uint32_t x = 12345;
  for (char& c : p) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>('a' + (x >> 16) % 26);
  }
  return p;
}

// One loopback TCP connection: `sender` is the connecting end, `receiver` the accepted one. Both
// non-blocking, TCP_NODELAY (framekit's defaults).
struct LoopbackPair {
  ConnectedSocket sender;
  ConnectedSocket receiver;
};

absl::StatusOr<LoopbackPair> MakeLoopbackPair() {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  absl::StatusOr<Listener> listener = ListenTcp("127.0.0.1:0");
  if (!listener.ok()) return listener.status();
  // A loopback connect completes in the kernel's backlog, so one thread can connect then accept.
  absl::StatusOr<ConnectedSocket> client =
      ConnectTcp(listener->local_address().ToString(), deadline);
  if (!client.ok()) return client.status();
  absl::StatusOr<ConnectedSocket> server = Accept(*listener, deadline);
  if (!server.ok()) return server.status();
  return LoopbackPair{*std::move(client), *std::move(server)};
}

// CPU time consumed by the calling thread, in seconds.
double ThreadCpuSeconds() {
  struct timespec ts;
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Runs `send_batch` on its own thread once per Request(), in order, until Stop(). `on_exit` runs on
// that thread when it ends (by Stop, a failed batch or the idle limit): it half-closes the stream,
// so a receiver waiting for more sees end of stream rather than waiting for its deadline.
class BatchSender {
 public:
  BatchSender(std::function<absl::Status()> send_batch, std::function<void()> on_exit)
      : send_batch_(std::move(send_batch)), on_exit_(std::move(on_exit)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~BatchSender() { Stop(); }
  BatchSender(const BatchSender&) = delete;
  BatchSender& operator=(const BatchSender&) = delete;

  void Request() {
    std::lock_guard<std::mutex> lock(mu_);
    ++requested_;
    cv_.notify_all();
  }

  // The first failure of a batch (OK if none so far).
  absl::Status error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

  // CPU seconds the sender thread spent in batches so far, once the batches requested so far have
  // returned (waiting for that at most 1 s: the receiver may see a batch's last byte before the
  // sender's call returns).
  double cpu_seconds() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_ || done_ == requested_; });
    return cpu_seconds_;
  }

  // Stops after the batch in progress (if any) and joins. Batches not started are dropped.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    benchmarks::PinThisThread(benchmarks::CpuRole::kSender);
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (!cv_.wait_for(lock, kSenderIdleLimit, [&] { return stop_ || requested_ > done_; })) {
          error_ = absl::DeadlineExceededError("sender: no batch requested for 120 s");
          break;
        }
        if (stop_) break;
      }
      const double cpu0 = ThreadCpuSeconds();
      absl::Status s = send_batch_();
      const double cpu = ThreadCpuSeconds() - cpu0;
      std::lock_guard<std::mutex> lock(mu_);
      ++done_;
      cpu_seconds_ += cpu;
      cv_.notify_all();
      if (!s.ok()) {
        error_ = std::move(s);
        break;
      }
    }
    on_exit_();
  }

  std::function<absl::Status()> send_batch_;
  std::function<void()> on_exit_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t requested_ = 0;
  uint64_t done_ = 0;
  bool stop_ = false;
  double cpu_seconds_ = 0;
  absl::Status error_;
  std::thread thread_;
};

// The receiver's failure message, with the sender's error when it has one (it usually explains an
// early end of stream).
std::string Failure(const absl::Status& receiver, BatchSender& sender) {
  const absl::Status s = sender.error();
  return s.ok() ? receiver.ToString()
                : absl::StrCat(receiver.ToString(), "; sender: ", s.ToString());
}

// The measured part of one benchmark run: wall time and receiver (this thread's) CPU time between
// Start() and Stop(), summed over segments, and the sender thread's CPU time.
class Measure {
 public:
  explicit Measure(BatchSender& sender) : sender_(sender), tx_cpu0_(sender.cpu_seconds()) {}

  void Start() {
    t0_ = std::chrono::steady_clock::now();
    rx_cpu0_ = ThreadCpuSeconds();
  }
  void Stop() {
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    rx_cpu_ += ThreadCpuSeconds() - rx_cpu0_;
  }
  double seconds() const { return seconds_; }

  // Sets the counters: msgs/s and bytes/s (payload) over the measured wall time, and the CPU
  // nanoseconds per message of the receiver and the sender. Call after the loop, on the receiver
  // thread, before stopping the sender.
  void Finish(benchmark::State& state, uint64_t messages, size_t size) {
    const double tx_cpu = sender_.cpu_seconds() - tx_cpu0_;
    if (seconds_ <= 0 || messages == 0) return;
    const double m = static_cast<double>(messages);
    state.counters["msgs/s"] = m / seconds_;
    state.counters["bytes/s"] = m * static_cast<double>(size) / seconds_;
    state.counters["rx_ns/msg"] = 1e9 * rx_cpu_ / m;
    state.counters["tx_ns/msg"] = 1e9 * tx_cpu / m;
  }

 private:
  BatchSender& sender_;
  double tx_cpu0_;
  std::chrono::steady_clock::time_point t0_;
  double rx_cpu0_ = 0;
  double seconds_ = 0;
  double rx_cpu_ = 0;
};

// ---- Upper bound: the same payload bytes, unframed ----

// One raw connection: the sender writes kBatchBytes per batch in 64 KiB WriteAll calls, the
// receiver ReadSome()s 64 KiB at a time until it has them all.
class RawStream {
 public:
  explicit RawStream(size_t size) {
    absl::StatusOr<LoopbackPair> pair = MakeLoopbackPair();
    if (!pair.ok()) {
      status_ = pair.status();
      return;
    }
    pair_ = *std::move(pair);
    while (block_.size() < kChunk) block_ += Payload(size);  // Every size divides 64 KiB.
    const int send_fd = pair_.sender.fd.get();
    sender_ = std::make_unique<BatchSender>(
        [this, send_fd]() -> absl::Status {
          const absl::Time deadline = absl::Now() + kIoTimeout;
          for (uint64_t sent = 0; sent < kBatchBytes; sent += kChunk) {
            if (absl::Status s = WriteAll(send_fd, block_, deadline); !s.ok()) return s;
          }
          return absl::OkStatus();
        },
        [send_fd] { (void)ShutdownWrite(send_fd); });
    buffer_.resize(kChunk);
  }
  ~RawStream() { Close(); }

  // OK if the connection was set up.
  const absl::Status& status() const { return status_; }
  BatchSender& sender() { return *sender_; }

  // Asks for one batch and receives all of it.
  absl::Status Transfer() {
    sender_->Request();
    const absl::Time deadline = absl::Now() + kIoTimeout;
    for (uint64_t got = 0; got < kBatchBytes;) {
      absl::StatusOr<size_t> n =
          ReadSome(pair_.receiver.fd.get(), absl::MakeSpan(buffer_), deadline);
      if (n.ok() && *n == 0) {
        n = absl::DataLossError(
            absl::StrFormat("raw: end of stream after %d of %d bytes", got, kBatchBytes));
      }
      if (!n.ok()) return n.status();
      got += *n;
    }
    benchmark::DoNotOptimize(buffer_.data());
    return absl::OkStatus();
  }

  // Closes the receiving end first (unblocking a sender stuck on a full socket), then the sender.
  void Close() {
    pair_.receiver.fd.reset();
    if (sender_) sender_->Stop();
  }

 private:
  absl::Status status_;
  LoopbackPair pair_;
  std::string block_;
  std::vector<char> buffer_;
  std::unique_ptr<BatchSender> sender_;
};

void BM_Raw(benchmark::State& state, size_t size) {
  RawStream raw(size);
  if (!raw.status().ok()) {
    state.SkipWithError(raw.status().ToString().c_str());
    return;
  }
  uint64_t batches = 0;
  Measure measure(raw.sender());
  measure.Start();
  for (auto _ : state) {
    if (absl::Status s = raw.Transfer(); !s.ok()) {
      state.SkipWithError(Failure(s, raw.sender()).c_str());
      break;
    }
    ++batches;
  }
  measure.Stop();
  measure.Finish(state, batches * MessagesPerBatch(size), size);
  raw.Close();
}

// ---- Python's Socket Programming HOWTO, ported faithfully to POSIX ----

// Blocking, Nagle on (as a Python socket.socket()), with kernel timeouts bounding each call.
absl::Status MakeHowtoSocket(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
    return absl::ErrnoToStatus(errno, "fcntl");
  }
  const int off = 0;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &off, sizeof(off)) < 0) {
    return absl::ErrnoToStatus(errno, "setsockopt(TCP_NODELAY)");
  }
  struct timeval tv;
  tv.tv_sec = static_cast<time_t>(absl::ToInt64Seconds(kIoTimeout));
  tv.tv_usec = 0;
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
    return absl::ErrnoToStatus(errno, "setsockopt(SO_SNDTIMEO/SO_RCVTIMEO)");
  }
  return absl::OkStatus();
}

constexpr int kHowtoHeader = 5;  // "%05d"

// mysend: loop on send() until the whole message is out. MSG_NOSIGNAL: Python ignores SIGPIPE.
absl::Status HowtoSend(int fd, const char* msg, size_t len) {
  size_t total_sent = 0;
  while (total_sent < len) {
    const ssize_t sent = ::send(fd, msg + total_sent, len - total_sent, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) return absl::ErrnoToStatus(errno, "send");
    if (sent == 0) return absl::UnavailableError("socket connection broken");
    total_sent += static_cast<size_t>(sent);
  }
  return absl::OkStatus();
}

// myreceive: loop on recv() until `len` bytes have arrived, at most 2048 per call (as the HOWTO).
absl::Status HowtoReceive(int fd, char* buf, size_t len, size_t max_chunk) {
  size_t bytes_recd = 0;
  while (bytes_recd < len) {
    const ssize_t chunk = ::recv(fd, buf + bytes_recd, std::min(len - bytes_recd, max_chunk), 0);
    if (chunk < 0 && errno == EINTR) continue;
    if (chunk < 0) return absl::ErrnoToStatus(errno, "recv");
    if (chunk == 0) return absl::UnavailableError("socket connection broken");
    bytes_recd += static_cast<size_t>(chunk);
  }
  return absl::OkStatus();
}

uint64_t HowtoMessagesPerBatch(size_t size) {
  return std::min(kHowtoMaxMessages, MessagesPerBatch(size));
}

void BM_Howto(benchmark::State& state, size_t size) {
  absl::StatusOr<LoopbackPair> pair = MakeLoopbackPair();
  absl::Status setup = pair.status();
  if (setup.ok()) setup = MakeHowtoSocket(pair->sender.fd.get());
  if (setup.ok()) setup = MakeHowtoSocket(pair->receiver.fd.get());
  if (!setup.ok()) {
    state.SkipWithError(setup.ToString().c_str());
    return;
  }
  const uint64_t per_batch = HowtoMessagesPerBatch(size);
  const std::string payload = Payload(size);
  const int send_fd = pair->sender.fd.get();
  const int recv_fd = pair->receiver.fd.get();
  BatchSender sender(
      [&]() -> absl::Status {
        std::string msg;
        for (uint64_t i = 0; i < per_batch; ++i) {
          // The message as the HOWTO's caller builds it: 5-digit length, then the payload.
          msg.resize(kHowtoHeader + payload.size());
          std::snprintf(&msg[0], kHowtoHeader + 1, "%05d", static_cast<int>(payload.size()));
          std::memcpy(&msg[kHowtoHeader], payload.data(), payload.size());
          if (absl::Status s = HowtoSend(send_fd, msg.data(), msg.size()); !s.ok()) return s;
        }
        return absl::OkStatus();
      },
      [&] { ::shutdown(send_fd, SHUT_WR); });

  std::vector<char> buffer(99999);
  uint64_t batches = 0;
  Measure measure(sender);
  measure.Start();
  for (auto _ : state) {
    sender.Request();
    absl::Status s;
    for (uint64_t i = 0; i < per_batch && s.ok(); ++i) {
      char header[kHowtoHeader];
      s = HowtoReceive(recv_fd, header, kHowtoHeader, kHowtoHeader);
      if (!s.ok()) break;
      size_t len = 0;
      for (char c : header) {
        if (c < '0' || c > '9') s = absl::InvalidArgumentError("HOWTO header: not 5 digits");
        len = len * 10 + static_cast<size_t>(c - '0');
      }
      if (s.ok() && len != size) s = absl::InvalidArgumentError("HOWTO header: wrong length");
      if (s.ok()) s = HowtoReceive(recv_fd, buffer.data(), len, 2048);
    }
    if (!s.ok()) {
      state.SkipWithError(Failure(s, sender).c_str());
      break;
    }
    benchmark::DoNotOptimize(buffer.data());
    ++batches;
  }
  measure.Stop();
  measure.Finish(state, batches * per_batch, size);
  pair->receiver.fd.reset();
  sender.Stop();
}

// ---- framekit: FramedConnection::SendBatch / Receive ----

// The receiver's two ways: Receive() per frame (the method), and ReceiveBatch() -- the
// batch receive API, one callback per frame and one call per read -- at 16 B, where the per-frame
// cost of Receive() itself shows.
enum class ReceiveWith { kReceive, kReceiveBatch };

absl::Status ReceiveBatch(FramedConnection& in, ReceiveWith how, uint64_t count, size_t size,
                          absl::Time deadline) {
  if (how == ReceiveWith::kReceive) {
    for (uint64_t i = 0; i < count; ++i) {
      absl::StatusOr<std::optional<absl::string_view>> frame = in.Receive(deadline);
      if (!frame.ok()) return frame.status();
      if (!frame->has_value()) {
        return absl::DataLossError(
            absl::StrFormat("end of stream after %d of %d frames", i, count));
      }
      if ((*frame)->size() != size) {
        return absl::DataLossError(
            absl::StrFormat("frame %d: %d bytes, expected %d", i, (*frame)->size(), size));
      }
    }
    return absl::OkStatus();
  }
  uint64_t got = 0;
  uint64_t wrong_size = 0;
  while (got < count) {
    absl::StatusOr<size_t> n = in.ReceiveBatch(
        [&](absl::string_view f) {
          ++got;
          wrong_size += f.size() != size;
        },
        deadline);
    if (!n.ok()) return n.status();
    if (*n == 0) {
      return absl::DataLossError(
          absl::StrFormat("end of stream after %d of %d frames", got, count));
    }
  }
  if (wrong_size != 0) {
    return absl::DataLossError(absl::StrFormat("%d frames of a wrong size", wrong_size));
  }
  return absl::OkStatus();
}

// copy_threshold: the sender's FramedConnectionOptions::copy_threshold (0: the default); above
// the payload size, SendBatch copies every payload into one contiguous buffer (one iovec).
void BM_Framekit(benchmark::State& state, std::string spec, size_t size, ReceiveWith how,
                 size_t copy_threshold) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  if (!framer.ok()) {
    state.SkipWithError(framer.status().ToString().c_str());
    return;
  }
  absl::StatusOr<LoopbackPair> pair = MakeLoopbackPair();
  if (!pair.ok()) {
    state.SkipWithError(pair.status().ToString().c_str());
    return;
  }
  const uint64_t per_batch = MessagesPerBatch(size);
  const size_t per_send = std::clamp<size_t>(kChunk / size, 1, kMaxFramesPerSend);
  const std::string payload = Payload(size);
  const std::vector<absl::string_view> payloads(per_send, payload);

  FramedConnectionOptions out_options;
  if (copy_threshold != 0) out_options.copy_threshold = copy_threshold;
  FramedConnection out(std::move(pair->sender), **framer, out_options);
  BatchSender sender(
      [&]() -> absl::Status {
        const absl::Time deadline = absl::Now() + kIoTimeout;
        for (uint64_t sent = 0; sent < per_batch;) {
          const size_t n = static_cast<size_t>(std::min<uint64_t>(per_send, per_batch - sent));
          absl::Status s = out.SendBatch(absl::MakeConstSpan(payloads).first(n), deadline);
          if (!s.ok()) return s;
          sent += n;
        }
        return absl::OkStatus();
      },
      [&] { (void)out.ShutdownWrite(); });

  std::optional<FramedConnection> in;
  in.emplace(std::move(pair->receiver), **framer);

  // The paired raw baseline: the same batch over a raw connection, alternating with the framed
  // batches (ABBA order), so both see the same machine load; x_raw_paired = raw time / framed time
  // for the same payload bytes.
  std::optional<RawStream> raw;
  if (how == ReceiveWith::kReceive) {
    raw.emplace(size);
    if (!raw->status().ok()) {
      state.SkipWithError(raw->status().ToString().c_str());
      return;
    }
  }
  double raw_seconds = 0;
  auto raw_batch = [&]() -> absl::Status {
    if (!raw) return absl::OkStatus();
    const auto t0 = std::chrono::steady_clock::now();
    absl::Status s = raw->Transfer();
    raw_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s.ok()) return s;
    return absl::Status(s.code(), absl::StrCat("paired raw batch: ", Failure(s, raw->sender())));
  };

  uint64_t batches = 0;
  Measure measure(sender);
  for (auto _ : state) {
    const bool raw_first = batches % 2 == 1;
    absl::Status s = raw_first ? raw_batch() : absl::OkStatus();
    if (s.ok()) {
      sender.Request();
      measure.Start();
      s = ReceiveBatch(*in, how, per_batch, size, absl::Now() + kIoTimeout);
      measure.Stop();
      if (!s.ok()) s = absl::Status(s.code(), Failure(s, sender));
    }
    if (s.ok() && !raw_first) s = raw_batch();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    ++batches;
  }
  measure.Finish(state, batches * per_batch, size);
  if (raw && batches > 0 && measure.seconds() > 0) {
    state.counters["x_raw_paired"] = raw_seconds / measure.seconds();
  }
  in.reset();  // Unblocks a sender stuck on a full socket (error paths).
  sender.Stop();
  if (raw) raw->Close();
}

// ---- framekit: the io_uring receive path against recv ----

// One framed loopback stream: a sender thread sending batches with SendBatch (as BM_Framekit's),
// and the receiving FramedConnection, read by the caller.
class FramedStream {
 public:
  FramedStream(const Framer& framer, size_t size)
      : per_batch_(MessagesPerBatch(size)),
        per_send_(std::clamp<size_t>(kChunk / size, 1, kMaxFramesPerSend)),
        payload_(Payload(size)),
        payloads_(per_send_, payload_) {
    absl::StatusOr<LoopbackPair> pair = MakeLoopbackPair();
    if (!pair.ok()) {
      status_ = pair.status();
      return;
    }
    out_.emplace(std::move(pair->sender), framer);
    in_.emplace(std::move(pair->receiver), framer);
    sender_ = std::make_unique<BatchSender>(
        [this]() -> absl::Status {
          const absl::Time deadline = absl::Now() + kIoTimeout;
          for (uint64_t sent = 0; sent < per_batch_;) {
            const size_t n = static_cast<size_t>(std::min<uint64_t>(per_send_, per_batch_ - sent));
            absl::Status s = out_->SendBatch(absl::MakeConstSpan(payloads_).first(n), deadline);
            if (!s.ok()) return s;
            sent += n;
          }
          return absl::OkStatus();
        },
        [this] { (void)out_->ShutdownWrite(); });
  }
  ~FramedStream() { Close(); }

  const absl::Status& status() const { return status_; }
  BatchSender& sender() { return *sender_; }
  FramedConnection& in() { return *in_; }
  uint64_t per_batch() const { return per_batch_; }

  // Closes the receiving end first (unblocking a sender stuck on a full socket), then the sender.
  void Close() {
    in_.reset();
    if (sender_) sender_->Stop();
  }

 private:
  absl::Status status_;
  const uint64_t per_batch_;
  const size_t per_send_;
  const std::string payload_;
  const std::vector<absl::string_view> payloads_;
  std::optional<FramedConnection> out_;
  std::optional<FramedConnection> in_;
  std::unique_ptr<BatchSender> sender_;
};

// The receiver as the server's io_uring backend reads: one multishot recv into the ring's
// provided buffers (server_internal::UringRing, the server's own), each completion's frames
// decoded in place in its buffer (FramedConnection::Deliver), the buffer returned at once.
class UringReceiver {
 public:
  explicit UringReceiver(FramedConnection& in) : in_(in) {}

  // On the receiving thread (the ring's only submitter).
  absl::Status Init() {
    server_internal::UringRing::Options o;
    o.buffers = kUringBuffers;
    o.buffer_size = kUringBufferSize;
    return ring_.Create(o);
  }

  absl::Status Receive(uint64_t count, size_t size, absl::Time deadline) {
    uint64_t got = 0;
    uint64_t wrong_size = 0;
    auto on_frames = [&](absl::Span<const absl::string_view> run) {
      got += run.size();
      for (absl::string_view f : run) wrong_size += f.size() != size;
    };
    while (got < count) {
      if (!armed_) {
        ring_.PrepRecv(ring_.Sqe(), in_.fd(), /*multishot=*/true, /*user_data=*/0);
        armed_ = true;
      }
      struct __kernel_timespec ts = {1, 0};
      struct io_uring_cqe* cqe = nullptr;
      const int r = io_uring_submit_and_wait_timeout(ring_.ring(), &cqe, 1, &ts, nullptr);
      if (r < 0 && r != -ETIME && r != -EINTR) {
        return server_internal::UringError(r, "submit_and_wait");
      }
      absl::Status error;
      unsigned head;
      unsigned seen = 0;
      io_uring_for_each_cqe(ring_.ring(), head, cqe) {
        ++seen;
        if (!(cqe->flags & IORING_CQE_F_MORE)) armed_ = false;  // ended: re-armed above
        if (cqe->res > 0) {
          absl::StatusOr<FramedConnection::ReadState> st =
              in_.Deliver(ring_.Bytes(*cqe), on_frames);
          ring_.Return(*cqe);
          if (!st.ok() && error.ok()) error = st.status();
        } else if (cqe->res == 0 && error.ok()) {
          error = absl::DataLossError(
              absl::StrFormat("io_uring: end of stream after %d of %d frames", got, count));
        } else if (cqe->res < 0 && cqe->res != -ENOBUFS && error.ok()) {
          error = server_internal::UringError(cqe->res, "recv");
        }
      }
      io_uring_cq_advance(ring_.ring(), seen);
      if (!error.ok()) return error;
      if (got < count && absl::Now() > deadline) {
        return absl::DeadlineExceededError(
            absl::StrFormat("io_uring: %d of %d frames by the deadline", got, count));
      }
    }
    if (wrong_size != 0) {
      return absl::DataLossError(absl::StrFormat("%d frames of a wrong size", wrong_size));
    }
    return absl::OkStatus();
  }

 private:
  // The server's defaults are 256 x 32 KiB for all of a loop's connections; one connection
  // reading up to 64 KiB at a time (as the recv path does) gets 64 x 64 KiB.
  static constexpr size_t kUringBuffers = 64;
  static constexpr size_t kUringBufferSize = 64 * 1024;
  FramedConnection& in_;
  server_internal::UringRing ring_;
  bool armed_ = false;
};

// socket/uring/SPEC/N: the same framed batches received through io_uring (UringReceiver),
// alternating (ABBA) with the same batches over a second framed connection received with
// Receive() (poll + recv, the path of socket/framekit/...): x_recv_paired = recv time / io_uring
// time. msgs/s and the CPU counters cover the io_uring batches; copied_pct is the share of bytes
// copied into the decoder (frames straddling two buffers) rather than decoded in place.
void BM_FramekitUring(benchmark::State& state, std::string spec, size_t size) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  if (!framer.ok()) {
    state.SkipWithError(framer.status().ToString().c_str());
    return;
  }
  FramedStream uring_stream(**framer, size);
  FramedStream recv_stream(**framer, size);
  for (FramedStream* s : {&uring_stream, &recv_stream}) {
    if (!s->status().ok()) {
      state.SkipWithError(s->status().ToString().c_str());
      return;
    }
  }
  UringReceiver uring(uring_stream.in());
  if (absl::Status s = uring.Init(); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  const uint64_t per_batch = uring_stream.per_batch();
  double recv_seconds = 0;
  auto recv_batch = [&]() -> absl::Status {
    recv_stream.sender().Request();
    const auto t0 = std::chrono::steady_clock::now();
    absl::Status s = ReceiveBatch(recv_stream.in(), ReceiveWith::kReceive, per_batch, size,
                                  absl::Now() + kIoTimeout);
    recv_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s.ok()) return s;
    return absl::Status(s.code(),
                        absl::StrCat("paired recv batch: ", Failure(s, recv_stream.sender())));
  };
  uint64_t batches = 0;
  Measure measure(uring_stream.sender());
  for (auto _ : state) {
    const bool recv_first = batches % 2 == 1;
    absl::Status s = recv_first ? recv_batch() : absl::OkStatus();
    if (s.ok()) {
      uring_stream.sender().Request();
      measure.Start();
      s = uring.Receive(per_batch, size, absl::Now() + kIoTimeout);
      measure.Stop();
      if (!s.ok()) s = absl::Status(s.code(), Failure(s, uring_stream.sender()));
    }
    if (s.ok() && !recv_first) s = recv_batch();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    ++batches;
  }
  measure.Finish(state, batches * per_batch, size);
  if (batches > 0 && measure.seconds() > 0) {
    state.counters["x_recv_paired"] = recv_seconds / measure.seconds();
    const double copied = static_cast<double>(uring_stream.in().copied_in_bytes());
    const double total = copied + static_cast<double>(uring_stream.in().delivered_in_place_bytes());
    if (total > 0) state.counters["copied_pct"] = 100 * copied / total;
  }
  uring_stream.Close();
  recv_stream.Close();
}

// ---- Registration, results, summary ----

std::string RawName(size_t size) { return absl::StrCat("socket/raw/", size); }
std::string HowtoName(size_t size) { return absl::StrCat("socket/howto/", size); }
// The 4 KiB A/B of the sender's iovec shape: payloads sent by reference (the default) against
// copied into one buffer per SendBatch.
constexpr size_t kCoalesceThreshold = 8192;
std::string CoalescedName(absl::string_view spec, size_t size) {
  return absl::StrCat("socket/coalesced/", SpecFor(spec, size), "/", size);
}
std::string UringName(absl::string_view spec, size_t size) {
  return absl::StrCat("socket/uring/", SpecFor(spec, size), "/", size);
}
std::string FramekitName(absl::string_view spec, size_t size,
                         ReceiveWith how = ReceiveWith::kReceive) {
  return absl::StrCat(how == ReceiveWith::kReceive ? "socket/framekit/" : "socket/receivebatch/",
                      SpecFor(spec, size), "/", size);
}

struct Rates {
  double msgs = 0;
  double bytes = 0;
  double rx_ns = 0;          // CPU per message, receiver thread
  double tx_ns = 0;          // CPU per message, sender thread
  double x_raw_paired = 0;   // framekit only: raw time / framed time, alternating batches
  double x_recv_paired = 0;  // io_uring only: recv time / io_uring time, alternating batches
  double copied_pct = 0;     // io_uring only: bytes copied into the decoder, %
};

// Collects each benchmark's final runs (not the ramp-up ones) while printing as usual.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  CollectingReporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      auto get = [&](const char* key) {
        const auto it = run.counters.find(key);
        return it == run.counters.end() ? 0.0 : static_cast<double>(it->second);
      };
      if (get("msgs/s") <= 0) continue;
      runs_[run.run_name.function_name].push_back(
          Rates{get("msgs/s"), get("bytes/s"), get("rx_ns/msg"), get("tx_ns/msg"),
                get("x_raw_paired"), get("x_recv_paired"), get("copied_pct")});
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // The best (highest msgs/s) and the median run of `name`, if it ran.
  struct Result {
    Rates best;
    Rates median;
    double x_raw_paired = 0;  // median over the runs
    size_t runs = 0;
    double x_raw_min = 0, x_raw_max = 0;  // the spread over the runs
    double x_recv_paired = 0;             // io_uring: median over the runs
    double x_recv_min = 0, x_recv_max = 0;
    double copied_pct = 0;  // io_uring: median run's
  };
  std::optional<Result> Get(const std::string& name) const {
    auto it = runs_.find(name);
    if (it == runs_.end() || it->second.empty()) return std::nullopt;
    std::vector<Rates> v = it->second;
    std::vector<double> paired, recv;
    for (const Rates& x : v) paired.push_back(x.x_raw_paired);
    for (const Rates& x : v) recv.push_back(x.x_recv_paired);
    std::sort(paired.begin(), paired.end());
    std::sort(recv.begin(), recv.end());
    std::sort(v.begin(), v.end(), [](const Rates& a, const Rates& b) { return a.msgs < b.msgs; });
    Result r{v.back(), v[v.size() / 2], paired[paired.size() / 2], v.size()};
    r.x_raw_min = paired.front();
    r.x_raw_max = paired.back();
    r.x_recv_paired = recv[recv.size() / 2];
    r.x_recv_min = recv.front();
    r.x_recv_max = recv.back();
    r.copied_pct = v[v.size() / 2].copied_pct;
    return r;
  }

 private:
  std::map<std::string, std::vector<Rates>> runs_;
};

std::string Human(double v) {
  if (v >= 1e9) return absl::StrFormat("%.2f G", v / 1e9);
  if (v >= 1e6) return absl::StrFormat("%.2f M", v / 1e6);
  if (v >= 1e3) return absl::StrFormat("%.1f k", v / 1e3);
  return absl::StrFormat("%.0f", v);
}

std::string LoadAverage() {
  double a[3] = {0, 0, 0};
  FILE* f = std::fopen("/proc/loadavg", "r");
  if (f == nullptr) return "?";
  const int n = std::fscanf(f, "%lf %lf %lf", &a[0], &a[1], &a[2]);
  std::fclose(f);
  return n == 3 ? absl::StrFormat("%.2f %.2f %.2f", a[0], a[1], a[2]) : "?";
}

std::string SizeName(size_t size) {
  return size >= 1024 ? absl::StrCat(size / 1024, " KiB") : absl::StrCat(size, " B");
}

// The Markdown summary: a table per size, then the targets.
std::string Summary(const CollectingReporter& r, const std::string& load_before) {
  using Result = CollectingReporter::Result;
  std::string s = "\n# Loopback socket benchmark: summary\n\n";
  char date[64];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M %Z", std::localtime(&now));
  absl::StrAppend(&s, "Date: ", date, "; CPUs online: ", std::thread::hardware_concurrency(),
                  "; load average before: ", load_before, ", after: ", LoadAverage(), "; ",
                  benchmarks::CpuPinningDescription(), "\n\n");
  absl::StrAppend(
      &s,
      "msgs/s and MB/s (10^6 payload bytes/s): each benchmark's best run (on a shared machine "
      "load only ever slows a run down). x raw (paired): raw time / framed time for the same "
      "bytes, raw and framed batches alternating within each run (so both see the same load), "
      "median over the runs. x raw (best): best bytes/s against raw's best. x HOWTO: best msgs/s "
      "against the HOWTO port's best. rx/tx CPU: CPU time (user + kernel) of the receiver / "
      "sender thread per message, median run. Targets: >= 0.9x raw judged on x raw (paired); "
      "msgs/s and x HOWTO on the best runs.\n");
  int met = 0, total = 0;
  std::string targets;
  auto check = [&](bool ok, const std::string& what) {
    ++total;
    met += ok;
    absl::StrAppend(&targets, "| ", what, " | ", ok ? "met" : "**not met**", " |\n");
    return ok ? "met" : "**not met**";
  };
  for (size_t size : kSizes) {
    bool any = r.Get(RawName(size)) || r.Get(HowtoName(size));
    for (const char* spec : kFramerSpecs) any = any || r.Get(FramekitName(spec, size));
    if (!any) continue;  // Filtered out.
    absl::StrAppend(&s, "\n## ", SizeName(size), " payloads\n\n",
                    "| method | msgs/s | MB/s | x raw (paired) | x raw (best) | x HOWTO "
                    "| rx CPU ns/msg | tx CPU ns/msg | runs | targets |\n"
                    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    const std::optional<Result> raw = r.Get(RawName(size));
    const std::optional<Result> howto = r.Get(HowtoName(size));
    auto row = [&](const std::string& method, const std::optional<Result>& v,
                   const std::string& notes) {
      if (!v) {
        absl::StrAppend(&s, "| ", method, " | (no result) | | | | | | | | |\n");
        return;
      }
      absl::StrAppend(
          &s, "| ", method, " | ", Human(v->best.msgs), " | ",
          absl::StrFormat("%.0f", v->best.bytes / 1e6), " | ",
          v->x_raw_paired > 0
              ? absl::StrFormat("%.2f (%.2f-%.2f)", v->x_raw_paired, v->x_raw_min, v->x_raw_max)
              : "",
          " | ", raw ? absl::StrFormat("%.2f", v->best.bytes / raw->best.bytes) : "?", " | ",
          howto ? absl::StrFormat("%.1f", v->best.msgs / howto->best.msgs) : "?", " | ",
          absl::StrFormat("%.1f | %.1f | %d", v->median.rx_ns, v->median.tx_ns, v->runs), " | ",
          notes, " |\n");
    };
    row("raw 64 KiB writes (upper bound)", raw, "");
    row("HOWTO port (%05d, send/recv per message)", howto, "");
    for (const char* spec : kFramerSpecs) {
      const std::string full = SpecFor(spec, size);
      const std::optional<Result> v = r.Get(FramekitName(spec, size));
      std::string notes;
      // A target whose baseline did not run (filtered out) is not checked.
      if (v && size == 16) {
        const bool m40 = v->best.msgs >= 40e6;
        absl::StrAppend(&notes, ">= 40M msgs/s: ",
                        check(m40, absl::StrCat("framekit ", full, " at 16 B: >= 40M msgs/s (",
                                                Human(v->best.msgs), ")")));
      }
      if (v && howto && size == 16) {
        const double x = v->best.msgs / howto->best.msgs;
        absl::StrAppend(&notes, "; >= 50x HOWTO: ",
                        check(x >= 50, absl::StrCat("framekit ", full, " at 16 B: >= 50x HOWTO (",
                                                    absl::StrFormat("%.1fx", x), ")")));
      }
      if (v && v->x_raw_paired > 0 && (size == 4096 || size == 65536)) {
        const double x = v->x_raw_paired;
        absl::StrAppend(&notes, ">= 0.9x raw: ",
                        check(x >= 0.9, absl::StrCat("framekit ", full, " at ", SizeName(size),
                                                     ": >= 0.9x raw (paired: ",
                                                     absl::StrFormat("%.2fx", x), ")")));
      }
      row(absl::StrCat("framekit `", full, "`"), v, notes);
    }
    for (const char* spec : kFramerSpecs) {
      const std::string name = FramekitName(spec, size, ReceiveWith::kReceiveBatch);
      const std::optional<Result> v = r.Get(name);
      if (!v) continue;
      const std::string full = SpecFor(spec, size);
      const bool m40 = v->best.msgs >= 40e6;
      row(absl::StrCat("framekit `", full, "` with ReceiveBatch"), v,
          absl::StrCat(">= 40M msgs/s: ",
                       check(m40, absl::StrCat("framekit ", full,
                                               " with ReceiveBatch at 16 B: >= 40M msgs/s (",
                                               Human(v->best.msgs), ")"))));
    }
  }
  // The sender's iovec shape at 4 KiB: by reference (socket/framekit) against one copied buffer.
  std::string coalesced;
  for (const char* spec : kFramerSpecs) {
    const std::optional<Result> by_ref = r.Get(FramekitName(spec, 4096));
    const std::optional<Result> copied = r.Get(CoalescedName(spec, 4096));
    if (!by_ref || !copied) continue;
    absl::StrAppend(&coalesced, "| `", SpecFor(spec, 4096), "` | ",
                    absl::StrFormat("%.2f (%.2f-%.2f) | %.1f | %.2f (%.2f-%.2f) | %.1f",
                                    by_ref->x_raw_paired, by_ref->x_raw_min, by_ref->x_raw_max,
                                    by_ref->median.tx_ns, copied->x_raw_paired, copied->x_raw_min,
                                    copied->x_raw_max, copied->median.tx_ns),
                    " |\n");
  }
  if (!coalesced.empty()) {
    absl::StrAppend(&s,
                    "\n## 4 KiB: payloads by reference against copied into one buffer "
                    "(socket/coalesced/..., copy_threshold = ",
                    kCoalesceThreshold,
                    ")\n\nx raw (paired), median (min-max) over the runs; tx CPU ns/msg, median "
                    "run.\n\n| framer | by reference | tx ns/msg | one buffer | tx ns/msg |\n"
                    "|---|---:|---:|---:|---:|\n",
                    coalesced);
  }
  // The io_uring receive path against recv, per size.
  std::string uring;
  for (size_t size : kSizes) {
    for (const char* spec : kFramerSpecs) {
      const std::optional<Result> v = r.Get(UringName(spec, size));
      if (!v) continue;
      absl::StrAppend(&uring, "| ", SizeName(size), " | `", SpecFor(spec, size), "` | ",
                      Human(v->best.msgs), " | ",
                      absl::StrFormat("%.2f (%.2f-%.2f) | %.1f | %.1f | %.0f%% | %d",
                                      v->x_recv_paired, v->x_recv_min, v->x_recv_max,
                                      v->median.rx_ns, v->median.tx_ns, v->copied_pct, v->runs),
                      " |\n");
    }
  }
  if (!uring.empty()) {
    absl::StrAppend(&s,
                    "\n## io_uring receive path (socket/uring/...) against recv\n\n"
                    "x recv (paired): the same batches over a second connection read with "
                    "Receive() (poll + recv), alternating; its time / io_uring's, median "
                    "(min-max) over the runs. copied: bytes copied into the decoder rather than "
                    "decoded in place, median run.\n\n"
                    "| payload | framer | io_uring msgs/s (best) | x recv (paired) | rx CPU ns/msg "
                    "| tx CPU ns/msg | copied | runs |\n"
                    "|---|---|---:|---:|---:|---:|---:|---:|\n",
                    uring);
  }
  absl::StrAppend(&s, "\n## Targets: ", met, " of ", total, " checked met\n\n",
                  "| target | result |\n|---|---|\n", targets);
  return s;
}

void Register() {
  for (size_t size : kSizes) {
    // Baselines first, next to the framers they are compared with.
    benchmark::RegisterBenchmark(RawName(size).c_str(), BM_Raw, size)->UseRealTime();
    benchmark::RegisterBenchmark(HowtoName(size).c_str(), BM_Howto, size)->UseRealTime();
    for (const char* spec : kFramerSpecs) {
      benchmark::RegisterBenchmark(FramekitName(spec, size).c_str(), BM_Framekit,
                                   SpecFor(spec, size), size, ReceiveWith::kReceive, size_t{0})
          ->UseRealTime();
    }
    if (size == 4096) {
      for (const char* spec : kFramerSpecs) {
        benchmark::RegisterBenchmark(CoalescedName(spec, size).c_str(), BM_Framekit,
                                     SpecFor(spec, size), size, ReceiveWith::kReceive,
                                     kCoalesceThreshold)
            ->UseRealTime();
      }
    }
    for (const char* spec : kFramerSpecs) {
      benchmark::RegisterBenchmark(UringName(spec, size).c_str(), BM_FramekitUring,
                                   SpecFor(spec, size), size)
          ->UseRealTime();
    }
    if (size == 16) {
      for (const char* spec : kFramerSpecs) {
        const ReceiveWith how = ReceiveWith::kReceiveBatch;
        benchmark::RegisterBenchmark(FramekitName(spec, size, how).c_str(), BM_Framekit,
                                     SpecFor(spec, size), size, how, size_t{0})
            ->UseRealTime();
      }
    }
  }
}

}  // namespace
}  // namespace framekit

int main(int argc, char** argv) {
  // Defaults for a shared, noisy machine (each overridable on the command line): three
  // repetitions of every benchmark in random order, so baselines and framers see the same load.
  // Our one flag, taken out before Google Benchmark parses the rest.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const absl::string_view a = argv[i];
    if (a == "--pin_cpus=false" || a == "--nopin_cpus") {
      framekit::benchmarks::SetCpuPinning(false);
    } else if (a != "--pin_cpus" && a != "--pin_cpus=true") {
      args.push_back(argv[i]);
    }
  }
  std::vector<std::string> defaults;
  auto add_default = [&](absl::string_view flag, absl::string_view value) {
    for (int i = 1; i < argc; ++i) {
      if (absl::StartsWith(argv[i], absl::StrCat("--", flag))) return;
    }
    defaults.push_back(absl::StrCat("--", flag, "=", value));
  };
  add_default("benchmark_repetitions", "3");
  add_default("benchmark_enable_random_interleaving", "true");
  add_default("benchmark_min_time", "0.2");
  for (std::string& d : defaults) args.push_back(d.data());
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);
  argc = args_count;
  argv = args.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  framekit::Register();
  // Every benchmark runs on this thread: the receiving side.
  framekit::benchmarks::PinThisThread(framekit::benchmarks::CpuRole::kReceiver);
  const std::string load_before = framekit::LoadAverage();
  framekit::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fputs(framekit::Summary(reporter, load_before).c_str(), stdout);
  return 0;
}

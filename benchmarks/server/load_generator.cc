// Load generator for the echo-server benchmark (benchmarks/server/README.md).
//
// Drives any server that speaks the benchmark's wire format -- each frame a 4-byte big-endian
// payload length, then the payload; the server echoes every frame back unchanged and in order --
// over N TCP connections with W frames in flight on each, and prints one JSON object on stdout:
// echoes/s, send-to-echo latency percentiles, per-connection fairness and the parameters.
// It uses raw non-blocking sockets and epoll and none of framekit's libraries, so it favours no
// server.
//
//   * Connect: all N (+ K stalled) connections first, at most kConnectsInFlight at once (a burst of
//     1000 SYNs would overflow a default backlog), with --connect_timeout for all of them.
//   * Load: each connection sends W frames; every verified echo is answered by one new frame, so W
//     stay in flight (W = 1: lockstep request/response). One read() per readiness event, and the
//     replacement frames for all the echoes it brought go out in one send(); a partial send waits
//     for EPOLLOUT. --threads workers each own a slice of the connections and an epoll instance.
//   * Verify: payload byte j of frame f on connection c is a function of (seed, c, f, j) (Payload),
//     so echoes are checked byte for byte against it without keeping a copy of what was sent.
//   * Measure: --warmup, then --duration. An echo counts when its last byte arrives inside the
//     measure window; its latency runs from the send() that carried the frame to the read() that
//     completed its echo (a ring of W send times per connection: echoes come back in order).
//     Latencies go to a log-bucketed histogram (< 0.8% relative bucket width).
//   * Stop: at the end of the window connections stop sending, wait for their frames in flight
//     (still verified), and close with nothing unread (a clean FIN, no RST).
//   * --stalled=K adds K connections that send frames as fast as the server takes them and never
//     read: they test the server's memory bound and are not counted. A server closing them is
//     reported, not an error.
//
// On stderr: "load_generator: measure start" and "load_generator: measure end" at the edges of the
// measure window (a driver samples server CPU time there). Any failure -- an echo that differs from
// what was sent, a connection closed or reset by the server, no progress on a connection with
// frames in flight for --progress_timeout -- prints one line naming the connection on stderr and
// exits with status 1; bad flags exit with status 2.
//
//   load_generator --address=127.0.0.1:PORT --connections=100 --window=4 --size=16
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, address, "127.0.0.1:0", "Server address, HOST:PORT ([HOST]:PORT for IPv6).");
ABSL_FLAG(int32_t, connections, 1, "Connections that send, read and are measured.");
ABSL_FLAG(int32_t, window, 1, "Frames in flight per connection (1 = lockstep request/response).");
ABSL_FLAG(int32_t, size, 16, "Payload bytes per frame (the 4-byte header excluded).");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Load before the measure window.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "Length of the measure window.");
ABSL_FLAG(int32_t, threads, 1, "Worker threads; each owns every T-th connection and an epoll.");
ABSL_FLAG(int32_t, stalled, 0,
          "Extra connections that send frames continuously and never read (not measured).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the payload bytes.");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(30), "Deadline for connecting them all.");
ABSL_FLAG(absl::Duration, progress_timeout, absl::Seconds(10),
          "Fail when a connection with frames in flight receives nothing for this long.");

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr size_t kHeaderBytes = 4;
constexpr int kConnectsInFlight = 64;
constexpr int kMaxEvents = 256;
constexpr size_t kReadBufferBytes = 256 << 10;
// Sends per writable event of a stalled connection: bounded so one of them cannot starve the
// measured connections of the same worker.
constexpr int kStalledSendsPerEvent = 16;

// Fails the whole run from any thread. _exit: the other workers are mid-loop and must not run
// static destructors under us; the kernel closes every socket.
[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "load_generator: %s\n", message.c_str());
  std::fflush(stderr);
  _exit(kExitFailure);
}

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void SleepUntil(uint64_t deadline_ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000u);
  ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000u);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15u;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

// The bytes of every frame, as a function of (connection, frame index, byte index).
//
// A frame's 64-bit tag is a hash of (seed, c, f). Payload bytes 0..7 are the tag's bytes (so a
// frame echoed on the wrong connection, twice, or out of order is caught with certainty for
// payloads of 8 bytes or more); byte j >= 8 is pattern_[offset + j], where pattern_ is a fixed
// pseudo-random array and offset (0..4095) comes from the tag. Writing a frame and checking an echo
// are then a memcpy and a memcmp against pattern_, whatever the payload size.
class Payload {
 public:
  static constexpr size_t kTagBytes = 8;
  static constexpr size_t kOffsets = 4096;

  Payload(uint64_t seed, uint32_t size) : seed_(seed), size_(size), pattern_(size + kOffsets) {
    uint64_t state = seed ^ 0x5bd1e9955bd1e995u;
    for (uint8_t& b : pattern_) b = static_cast<uint8_t>(SplitMix64(state++) >> 56);
  }

  uint32_t size() const { return size_; }
  size_t frame_bytes() const { return kHeaderBytes + size_; }

  uint64_t Tag(uint64_t connection, uint64_t frame) const {
    return SplitMix64(SplitMix64(seed_ ^ (connection << 40)) ^ frame);
  }

  uint8_t Byte(uint64_t tag, size_t j) const {
    return j < kTagBytes ? static_cast<uint8_t>(tag >> (8 * j)) : pattern_[Offset(tag) + j];
  }

  // Writes the whole frame (header and payload) to dst.
  void Write(uint64_t tag, char* dst) const {
    dst[0] = static_cast<char>(size_ >> 24);
    dst[1] = static_cast<char>(size_ >> 16);
    dst[2] = static_cast<char>(size_ >> 8);
    dst[3] = static_cast<char>(size_);
    char* payload = dst + kHeaderBytes;
    const size_t tag_bytes = std::min<size_t>(size_, kTagBytes);
    for (size_t j = 0; j < tag_bytes; ++j) payload[j] = static_cast<char>(Byte(tag, j));
    if (size_ > kTagBytes) {
      std::memcpy(payload + kTagBytes, &pattern_[Offset(tag) + kTagBytes], size_ - kTagBytes);
    }
  }

  // Checks payload bytes [j, j + n) of the frame with `tag` against `data`; returns the index in
  // data of the first wrong byte, or n when all are right.
  size_t Mismatch(uint64_t tag, size_t j, const char* data, size_t n) const {
    size_t i = 0;
    for (; i < n && j + i < kTagBytes; ++i) {
      if (static_cast<uint8_t>(data[i]) != Byte(tag, j + i)) return i;
    }
    if (i == n) return n;
    const uint8_t* want = &pattern_[Offset(tag) + j + i];
    if (std::memcmp(data + i, want, n - i) == 0) return n;
    for (; static_cast<uint8_t>(data[i]) == *want; ++i, ++want) {
    }
    return i;
  }

 private:
  static size_t Offset(uint64_t tag) { return static_cast<size_t>(tag >> 52); }

  uint64_t seed_;
  uint32_t size_;
  std::vector<uint8_t> pattern_;
};

// Latency histogram in nanoseconds: exact below 256 ns, then 128 buckets per power of two (each
// at most 1/128 = 0.78% wide). Recording is one index computation and one increment.
class Histogram {
 public:
  Histogram() : counts_(kLinear + (64 - kLinearBits) * kSubBuckets) {}

  void Record(uint64_t ns) {
    ++counts_[Index(ns)];
    ++count_;
    sum_ += ns;
    max_ = std::max(max_, ns);
  }

  void Merge(const Histogram& other) {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
  }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }

  // The value at rank ceil(p * count), as the midpoint of its bucket.
  double Percentile(double p) const {
    if (count_ == 0) return 0;
    const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p * count_)));
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return Midpoint(i);
    }
    return static_cast<double>(max_);
  }

 private:
  static constexpr int kLinearBits = 8;
  static constexpr uint64_t kLinear = uint64_t{1} << kLinearBits;
  static constexpr int kSubBits = 7;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBits;

  static size_t Index(uint64_t ns) {
    if (ns < kLinear) return static_cast<size_t>(ns);
    const int exponent = 63 - __builtin_clzll(ns);          // >= kLinearBits
    const uint64_t mantissa = ns >> (exponent - kSubBits);  // in [kSubBuckets, 2 * kSubBuckets)
    return static_cast<size_t>(kLinear + (exponent - kLinearBits) * kSubBuckets +
                               (mantissa - kSubBuckets));
  }

  static double Midpoint(size_t index) {
    if (index < kLinear) return static_cast<double>(index);
    const uint64_t i = index - kLinear;
    const int shift = static_cast<int>(i / kSubBuckets) + kLinearBits - kSubBits;
    const uint64_t low = (kSubBuckets + i % kSubBuckets) << shift;
    return static_cast<double>(low) + static_cast<double>((uint64_t{1} << shift) - 1) / 2;
  }

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

struct Config {
  sockaddr_storage address;
  socklen_t address_len;
  std::string address_text;
  uint32_t connections;
  uint32_t window;
  uint32_t threads;
  uint32_t stalled;
  uint64_t progress_timeout_ns;
};

// The measure window, shared read-only by every worker.
struct Phases {
  uint64_t measure_start_ns;
  uint64_t measure_end_ns;
};

// A measured connection. Frames [next_recv, next_send) are in flight (sent, or queued in wbuf
// behind a partial send); the echo of frame next_recv is the one being read.
struct Connection {
  int fd = -1;
  uint32_t id = 0;
  uint32_t interest = EPOLLIN;  // as registered with epoll
  uint64_t next_send = 0;
  uint64_t next_recv = 0;
  size_t rx_have = 0;  // bytes of the current echo read so far, header included
  unsigned char rx_header[kHeaderBytes] = {};
  uint64_t rx_tag = 0;           // Payload tag of frame next_recv, once its header is in
  std::unique_ptr<char[]> wbuf;  // window * frame_bytes: room for every frame in flight
  size_t wpos = 0;               // unsent bytes are wbuf[wpos, wend)
  size_t wend = 0;
  std::unique_ptr<uint64_t[]> sent_ns;  // send time of frame f at [f % window]
  uint64_t last_rx_ns = 0;
  uint64_t measured = 0;  // echoes completed inside the measure window
};

// A stalled connection: writes the same run of whole frames over and over, never reads.
struct Stalled {
  int fd = -1;
  uint32_t index = 0;
  size_t offset = 0;  // into the worker's stalled_frames_, modulo its size (frame-aligned stream)
};

struct WorkerResult {
  Histogram latency;
  uint64_t stalled_bytes_sent = 0;
  uint32_t stalled_closed = 0;
  uint64_t first_stalled_close_ns = 0;  // 0: none
};

class Worker {
 public:
  Worker(const Config& config, const Payload& payload, const Phases& phases)
      : config_(config), payload_(payload), phases_(phases), rbuf_(new char[kReadBufferBytes]) {
    // Enough whole frames for about 64 KiB: a stalled connection's sends stay large.
    const size_t frames = std::max<size_t>(1, (64 << 10) / payload_.frame_bytes());
    stalled_frames_.resize(frames * payload_.frame_bytes());
    for (size_t f = 0; f < frames; ++f) {
      payload_.Write(payload_.Tag(~uint64_t{0}, f), &stalled_frames_[f * payload_.frame_bytes()]);
    }
  }

  void AddConnection(int fd, uint32_t id) {
    Connection c;
    c.fd = fd;
    c.id = id;
    c.wbuf.reset(new char[config_.window * payload_.frame_bytes()]);
    c.sent_ns.reset(new uint64_t[config_.window]);
    conns_.push_back(std::move(c));
  }

  void AddStalled(int fd, uint32_t index) { stalled_.push_back(Stalled{fd, index, 0}); }

  const std::vector<Connection>& connections() const { return conns_; }
  const WorkerResult& result() const { return result_; }

  void Run();

 private:
  // epoll tokens: the index into conns_, or into stalled_ with this bit set.
  static constexpr uint64_t kStalledBit = uint64_t{1} << 63;

  std::string Name(const Connection& c) const { return absl::StrCat("connection ", c.id); }
  std::string State(const Connection& c) const {
    return absl::StrCat(c.next_recv, " echoes received, ", c.next_send - c.next_recv,
                        " frames in flight");
  }

  void Register(int fd, uint32_t events, uint64_t token);
  void SetInterest(Connection& c, uint32_t interest);
  void QueueFrame(Connection& c);
  void Flush(Connection& c);
  void OnReadable(Connection& c);
  void Consume(Connection& c, const char* p, size_t n, uint64_t now);
  void CloseConnection(Connection& c);
  void PushStalled(Stalled& s);
  void CloseStalled(Stalled& s, bool by_server);
  void CheckProgress(uint64_t now);

  const Config& config_;
  const Payload& payload_;
  const Phases& phases_;
  int epoll_ = -1;
  std::unique_ptr<char[]> rbuf_;  // one read's worth, shared by this worker's connections
  std::vector<char> stalled_frames_;
  std::vector<Connection> conns_;
  std::vector<Stalled> stalled_;
  size_t open_ = 0;        // measured connections still open
  bool stopping_ = false;  // past the measure window: no new frames, drain and close
  WorkerResult result_;
};

void Worker::Register(int fd, uint32_t events, uint64_t token) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0)
    Fail(absl::StrCat("epoll_ctl: ", strerror(errno)));
}

void Worker::SetInterest(Connection& c, uint32_t interest) {
  if (c.interest == interest) return;
  epoll_event ev{};
  ev.events = interest;
  ev.data.u64 = static_cast<uint64_t>(&c - conns_.data());
  if (epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev) != 0) {
    Fail(absl::StrCat(Name(c), ": epoll_ctl: ", strerror(errno)));
  }
  c.interest = interest;
}

// Appends frame next_send to the unsent bytes. Room is guaranteed: at most `window` frames are in
// flight, and wbuf holds that many; only after a partial send do unsent bytes need moving down.
void Worker::QueueFrame(Connection& c) {
  const size_t frame = payload_.frame_bytes();
  if (c.wpos == c.wend) {
    c.wpos = c.wend = 0;
  } else if (c.wend + frame > config_.window * frame) {
    std::memmove(c.wbuf.get(), c.wbuf.get() + c.wpos, c.wend - c.wpos);
    c.wend -= c.wpos;
    c.wpos = 0;
  }
  payload_.Write(payload_.Tag(c.id, c.next_send), c.wbuf.get() + c.wend);
  c.wend += frame;
  ++c.next_send;
}

void Worker::Flush(Connection& c) {
  while (c.wpos < c.wend) {
    ssize_t n = send(c.fd, c.wbuf.get() + c.wpos, c.wend - c.wpos, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        SetInterest(c, EPOLLIN | EPOLLOUT);  // the rest goes when the socket is writable
        return;
      }
      Fail(absl::StrCat(Name(c), ": send: ", strerror(errno), " (", State(c), ")"));
    }
    c.wpos += static_cast<size_t>(n);
  }
  SetInterest(c, EPOLLIN);
}

void Worker::OnReadable(Connection& c) {
  const ssize_t n = recv(c.fd, rbuf_.get(), kReadBufferBytes, 0);
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return;
    Fail(absl::StrCat(Name(c), ": recv: ", strerror(errno), " (", State(c), ")"));
  }
  if (n == 0) {
    Fail(absl::StrCat(Name(c), ": closed by the server (", State(c), ", ", c.rx_have,
                      " bytes of the next echo)"));
  }
  const uint64_t now = NowNs();
  c.last_rx_ns = now;
  const uint64_t first_new = c.next_send;
  Consume(c, rbuf_.get(), static_cast<size_t>(n), now);
  if (c.next_send != first_new) {
    // One send carries every replacement frame; they are stamped just before it.
    const uint64_t sent = NowNs();
    for (uint64_t f = first_new; f < c.next_send; ++f) c.sent_ns[f % config_.window] = sent;
    Flush(c);
  }
  if (stopping_ && c.next_recv == c.next_send) CloseConnection(c);
}

// Verifies the echo bytes p[0, n) against the frames in flight, completing echoes as they end.
void Worker::Consume(Connection& c, const char* p, size_t n, uint64_t now) {
  const size_t size = payload_.size();
  while (n > 0) {
    if (c.rx_have < kHeaderBytes) {
      if (c.rx_have == 0 && c.next_recv == c.next_send) {
        Fail(absl::StrCat(Name(c), ": ", n, " unexpected bytes with no frame in flight (", State(c),
                          ")"));
      }
      const size_t take = std::min(kHeaderBytes - c.rx_have, n);
      std::memcpy(c.rx_header + c.rx_have, p, take);
      c.rx_have += take;
      p += take;
      n -= take;
      if (c.rx_have < kHeaderBytes) return;
      const uint32_t length = (uint32_t{c.rx_header[0]} << 24) | (uint32_t{c.rx_header[1]} << 16) |
                              (uint32_t{c.rx_header[2]} << 8) | uint32_t{c.rx_header[3]};
      if (length != size) {
        Fail(absl::StrCat(Name(c), ": echo of frame ", c.next_recv, " has length ", length,
                          ", sent ", size, " (", State(c), ")"));
      }
      c.rx_tag = payload_.Tag(c.id, c.next_recv);
    }
    const size_t j = c.rx_have - kHeaderBytes;
    const size_t take = std::min(size - j, n);
    const size_t bad = payload_.Mismatch(c.rx_tag, j, p, take);
    if (bad != take) {
      Fail(
          absl::StrFormat("%s: echo of frame %d differs at payload byte %d of %d: got 0x%02x, "
                          "sent 0x%02x (%s)",
                          Name(c), c.next_recv, j + bad, size, static_cast<uint8_t>(p[bad]),
                          payload_.Byte(c.rx_tag, j + bad), State(c)));
    }
    c.rx_have += take;
    p += take;
    n -= take;
    if (c.rx_have == kHeaderBytes + size) {
      const uint64_t f = c.next_recv++;
      c.rx_have = 0;
      if (now >= phases_.measure_start_ns && now < phases_.measure_end_ns) {
        result_.latency.Record(now - c.sent_ns[f % config_.window]);
        ++c.measured;
      }
      if (!stopping_) QueueFrame(c);
    }
  }
}

void Worker::CloseConnection(Connection& c) {
  // Nothing is in flight, so nothing is unread: close() sends a plain FIN.
  close(c.fd);  // also removes it from the epoll set
  c.fd = -1;
  --open_;
}

void Worker::PushStalled(Stalled& s) {
  const size_t total = stalled_frames_.size();
  for (int i = 0; i < kStalledSendsPerEvent; ++i) {
    ssize_t n = send(s.fd, &stalled_frames_[s.offset], total - s.offset, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EPIPE || errno == ECONNRESET) {
        CloseStalled(s, /*by_server=*/true);
        return;
      }
      Fail(absl::StrCat("stalled connection ", s.index, ": send: ", strerror(errno)));
    }
    s.offset = (s.offset + static_cast<size_t>(n)) % total;
    result_.stalled_bytes_sent += static_cast<uint64_t>(n);
  }
}

void Worker::CloseStalled(Stalled& s, bool by_server) {
  if (by_server) {
    ++result_.stalled_closed;
    if (result_.first_stalled_close_ns == 0) result_.first_stalled_close_ns = NowNs();
  }
  close(s.fd);
  s.fd = -1;
}

void Worker::CheckProgress(uint64_t now) {
  for (const Connection& c : conns_) {
    if (c.fd >= 0 && c.next_recv < c.next_send &&
        now - c.last_rx_ns > config_.progress_timeout_ns) {
      Fail(absl::StrCat(Name(c), ": no echo bytes for ",
                        absl::FormatDuration(absl::Trunc(absl::Nanoseconds(now - c.last_rx_ns),
                                                         absl::Milliseconds(1))),
                        " (", State(c), ")"));
    }
  }
}

void Worker::Run() {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) Fail(absl::StrCat("epoll_create1: ", strerror(errno)));
  const uint64_t start = NowNs();
  for (size_t i = 0; i < conns_.size(); ++i) {
    Connection& c = conns_[i];
    Register(c.fd, EPOLLIN, i);
    for (uint32_t k = 0; k < config_.window; ++k) QueueFrame(c);
    for (uint32_t k = 0; k < config_.window; ++k) c.sent_ns[k] = start;
    c.last_rx_ns = start;
    Flush(c);
  }
  open_ = conns_.size();
  for (size_t i = 0; i < stalled_.size(); ++i) {
    // RDHUP: a server dropping the connection shows even though it is never read.
    Register(stalled_[i].fd, EPOLLOUT | EPOLLRDHUP, i | kStalledBit);
  }

  epoll_event events[kMaxEvents];
  const uint64_t check_every = std::min<uint64_t>(config_.progress_timeout_ns / 4, 1000000000u);
  uint64_t next_check = start + check_every;
  for (;;) {
    const uint64_t now = NowNs();
    if (!stopping_ && now >= phases_.measure_end_ns) stopping_ = true;
    if (stopping_ && open_ == 0) break;
    if (now >= next_check) {
      CheckProgress(now);
      next_check = now + check_every;
    }
    // Wake for the end of the window and for the next progress check, whichever is first.
    uint64_t wake = next_check;
    if (!stopping_) wake = std::min(wake, phases_.measure_end_ns);
    const int timeout_ms = static_cast<int>((std::max(wake, now) - now + 999999) / 1000000);
    const int n = epoll_wait(epoll_, events, kMaxEvents, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(absl::StrCat("epoll_wait: ", strerror(errno)));
    }
    for (int i = 0; i < n; ++i) {
      const uint64_t token = events[i].data.u64;
      const uint32_t ev = events[i].events;
      if (token & kStalledBit) {
        Stalled& s = stalled_[token & ~kStalledBit];
        if (s.fd < 0) continue;
        if (ev & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
          CloseStalled(s, /*by_server=*/true);
        } else {
          PushStalled(s);
        }
        continue;
      }
      Connection& c = conns_[token];
      if (c.fd < 0) continue;  // closed earlier in this batch
      if (ev & EPOLLOUT) Flush(c);
      if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) OnReadable(c);
    }
  }
  for (Stalled& s : stalled_) {
    if (s.fd >= 0) CloseStalled(s, /*by_server=*/false);
  }
  close(epoll_);
}

// Connects every connection (measured ones first, then the stalled ones) with at most
// kConnectsInFlight non-blocking connects outstanding.
std::vector<int> ConnectAll(const Config& config, uint32_t total, absl::Duration timeout) {
  std::vector<int> fds(total, -1);
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) Fail(absl::StrCat("epoll_create1: ", strerror(errno)));
  auto name = [&](uint32_t i) {
    return i < config.connections ? absl::StrCat("connection ", i)
                                  : absl::StrCat("stalled connection ", i - config.connections);
  };
  const uint64_t deadline = NowNs() + static_cast<uint64_t>(absl::ToInt64Nanoseconds(timeout));
  uint32_t next = 0;
  uint32_t pending = 0;
  uint32_t done = 0;
  epoll_event events[kConnectsInFlight];
  while (done < total) {
    for (; pending < kConnectsInFlight && next < total; ++next) {
      const int fd =
          socket(config.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) Fail(absl::StrCat(name(next), ": socket: ", strerror(errno)));
      fds[next] = fd;
      // Small frames must leave at once, not wait for an ACK (lockstep would measure Nagle).
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      if (connect(fd, reinterpret_cast<const sockaddr*>(&config.address), config.address_len) ==
          0) {
        ++done;
        continue;
      }
      if (errno != EINPROGRESS) {
        Fail(absl::StrCat(name(next), ": connect to ", config.address_text, ": ", strerror(errno)));
      }
      epoll_event ev{};
      ev.events = EPOLLOUT;
      ev.data.u32 = next;
      if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        Fail(absl::StrCat("epoll_ctl: ", strerror(errno)));
      }
      ++pending;
    }
    if (done == total) break;
    const uint64_t now = NowNs();
    if (now >= deadline) {
      Fail(absl::StrCat(pending, " connections still connecting to ", config.address_text,
                        " after ", absl::FormatDuration(timeout), " (", done, " of ", total,
                        " connected)"));
    }
    const int n = epoll_wait(ep, events, kConnectsInFlight,
                             static_cast<int>((deadline - now + 999999) / 1000000));
    if (n < 0 && errno != EINTR) Fail(absl::StrCat("epoll_wait: ", strerror(errno)));
    for (int i = 0; i < n; ++i) {
      const uint32_t index = events[i].data.u32;
      int error = 0;
      socklen_t len = sizeof(error);
      getsockopt(fds[index], SOL_SOCKET, SO_ERROR, &error, &len);
      if (error != 0) {
        Fail(
            absl::StrCat(name(index), ": connect to ", config.address_text, ": ", strerror(error)));
      }
      epoll_ctl(ep, EPOLL_CTL_DEL, fds[index], nullptr);
      --pending;
      ++done;
    }
  }
  close(ep);
  return fds;
}

// HOST:PORT or [HOST]:PORT, numeric only (the benchmark talks to loopback).
bool ParseAddress(const std::string& text, sockaddr_storage* out, socklen_t* out_len) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &result) != 0) return false;
  std::memcpy(out, result->ai_addr, result->ai_addrlen);
  *out_len = result->ai_addrlen;
  freeaddrinfo(result);
  return true;
}

int Usage(absl::string_view message) {
  std::fprintf(stderr, "load_generator: %.*s (see --help)\n", static_cast<int>(message.size()),
               message.data());
  return kExitUsage;
}

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out += absl::StrFormat("\\u%04x", static_cast<int>(ch));
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// A finite double as JSON, or null (e.g. max/min when a connection completed no echo).
std::string JsonNumber(double v) {
  return std::isfinite(v) ? absl::StrFormat("%.7g", v) : std::string("null");
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "echo-server load generator: N connections, W frames in flight each, 4-byte big-endian "
      "length frames; prints a JSON summary on stdout.\n"
      "  load_generator --address=127.0.0.1:PORT --connections=100 --window=4 --size=16");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) return Usage(absl::StrCat("unexpected argument '", rest[1], "'"));

  Config config;
  config.address_text = absl::GetFlag(FLAGS_address);
  if (!ParseAddress(config.address_text, &config.address, &config.address_len)) {
    return Usage(absl::StrCat("bad --address '", config.address_text, "' (want HOST:PORT)"));
  }
  const int32_t connections = absl::GetFlag(FLAGS_connections);
  const int32_t window = absl::GetFlag(FLAGS_window);
  const int32_t size = absl::GetFlag(FLAGS_size);
  const int32_t threads = absl::GetFlag(FLAGS_threads);
  const int32_t stalled = absl::GetFlag(FLAGS_stalled);
  const absl::Duration warmup = absl::GetFlag(FLAGS_warmup);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  const absl::Duration progress_timeout = absl::GetFlag(FLAGS_progress_timeout);
  if (connections < 1) return Usage("--connections must be at least 1");
  if (window < 1) return Usage("--window must be at least 1");
  if (size < 0 || size > (16 << 20)) return Usage("--size must be in [0, 16 MiB]");
  if (threads < 1) return Usage("--threads must be at least 1");
  if (stalled < 0) return Usage("--stalled must not be negative");
  if (warmup < absl::ZeroDuration()) return Usage("--warmup must not be negative");
  if (duration <= absl::ZeroDuration()) return Usage("--duration must be positive");
  if (progress_timeout <= absl::ZeroDuration()) return Usage("--progress_timeout must be positive");
  config.connections = static_cast<uint32_t>(connections);
  config.window = static_cast<uint32_t>(window);
  config.threads = static_cast<uint32_t>(threads);
  config.stalled = static_cast<uint32_t>(stalled);
  config.progress_timeout_ns = static_cast<uint64_t>(absl::ToInt64Nanoseconds(progress_timeout));
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const Payload payload(seed, static_cast<uint32_t>(size));

  const uint64_t connect_start = NowNs();
  const std::vector<int> fds =
      ConnectAll(config, config.connections + config.stalled, absl::GetFlag(FLAGS_connect_timeout));
  const double connect_seconds = (NowNs() - connect_start) * 1e-9;

  // Workers are built before the clock starts; connection i goes to worker i % threads.
  Phases phases{};
  std::vector<std::unique_ptr<Worker>> workers;
  for (uint32_t t = 0; t < config.threads; ++t) {
    workers.push_back(std::make_unique<Worker>(config, payload, phases));
  }
  for (uint32_t i = 0; i < config.connections; ++i) {
    workers[i % config.threads]->AddConnection(fds[i], i);
  }
  for (uint32_t i = 0; i < config.stalled; ++i) {
    workers[i % config.threads]->AddStalled(fds[config.connections + i], i);
  }
  const uint64_t start = NowNs();
  phases.measure_start_ns = start + static_cast<uint64_t>(absl::ToInt64Nanoseconds(warmup));
  phases.measure_end_ns =
      phases.measure_start_ns + static_cast<uint64_t>(absl::ToInt64Nanoseconds(duration));
  std::vector<std::thread> running;
  for (auto& w : workers) running.emplace_back([&w] { w->Run(); });

  // The markers go out as close to the window's edges as a sleeping thread can put them.
  SleepUntil(phases.measure_start_ns);
  const double cpu_start = ProcessCpuSeconds();
  std::fprintf(stderr, "load_generator: measure start\n");
  std::fflush(stderr);
  SleepUntil(phases.measure_end_ns);
  const double cpu_end = ProcessCpuSeconds();
  std::fprintf(stderr, "load_generator: measure end\n");
  std::fflush(stderr);
  for (std::thread& t : running) t.join();

  Histogram latency;
  uint64_t total = 0;
  uint64_t min_count = UINT64_MAX;
  uint64_t max_count = 0;
  double sum_squares = 0;
  uint64_t stalled_bytes = 0;
  uint32_t stalled_closed = 0;
  uint64_t first_stalled_close = 0;
  for (const auto& w : workers) {
    latency.Merge(w->result().latency);
    stalled_bytes += w->result().stalled_bytes_sent;
    stalled_closed += w->result().stalled_closed;
    const uint64_t close_ns = w->result().first_stalled_close_ns;
    if (close_ns != 0 && (first_stalled_close == 0 || close_ns < first_stalled_close)) {
      first_stalled_close = close_ns;
    }
    for (const Connection& c : w->connections()) {
      total += c.measured;
      min_count = std::min(min_count, c.measured);
      max_count = std::max(max_count, c.measured);
      sum_squares += static_cast<double>(c.measured) * static_cast<double>(c.measured);
    }
  }
  const double seconds = absl::ToDoubleSeconds(duration);
  // Jain's index: (sum x)^2 / (n * sum x^2); 1 when every connection got the same share.
  const double jain = sum_squares == 0 ? NAN
                                       : static_cast<double>(total) * static_cast<double>(total) /
                                             (config.connections * sum_squares);
  const double max_over_min =
      min_count == 0 ? NAN : static_cast<double>(max_count) / static_cast<double>(min_count);
  auto us = [](double ns) { return JsonNumber(ns / 1000); };

  std::string json = absl::StrCat(
      "{\"params\": {\"address\": ", JsonString(config.address_text),
      ", \"connections\": ", config.connections, ", \"window\": ", config.window,
      ", \"size\": ", size, ", \"warmup_s\": ", JsonNumber(absl::ToDoubleSeconds(warmup)),
      ", \"duration_s\": ", JsonNumber(seconds), ", \"threads\": ", config.threads,
      ", \"stalled\": ", config.stalled, ", \"seed\": ", seed, "},\n");
  absl::StrAppend(&json, " \"echoes\": ", total,
                  ", \"echoes_per_s\": ", JsonNumber(total / seconds), ", \"payload_mb_per_s\": ",
                  JsonNumber(total * static_cast<double>(size) / seconds / 1e6), ",\n");
  absl::StrAppend(&json, " \"latency_us\": {\"p50\": ", us(latency.Percentile(0.5)),
                  ", \"p99\": ", us(latency.Percentile(0.99)),
                  ", \"p999\": ", us(latency.Percentile(0.999)),
                  ", \"max\": ", us(static_cast<double>(latency.max())),
                  ", \"mean\": ", us(latency.mean()), "},\n");
  absl::StrAppend(&json, " \"fairness\": {\"min\": ", min_count, ", \"max\": ", max_count,
                  ", \"max_over_min\": ", JsonNumber(max_over_min),
                  ", \"jain\": ", JsonNumber(jain), "},\n");
  absl::StrAppend(&json, " \"stalled\": {\"connections\": ", config.stalled,
                  ", \"bytes_sent\": ", stalled_bytes, ", \"closed_by_server\": ", stalled_closed,
                  ", \"first_close_after_s\": ",
                  first_stalled_close == 0 ? std::string("null")
                                           : JsonNumber((first_stalled_close - start) * 1e-9),
                  "},\n");
  absl::StrAppend(&json, " \"connect_s\": ", JsonNumber(connect_seconds),
                  ", \"generator_cpu_s\": ", JsonNumber(cpu_end - cpu_start), "}\n");
  std::fputs(json.c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }

// framekit's Asio adapter (framekit::asio::FramedStream) against Asio's own framing on the same
// pre-encoded stream: a writer thread writes frames (already encoded, in 256 KiB writes) into a
// Unix socketpair (or loopback TCP, --transport=tcp); the reader, an io_context on the benchmark
// thread, receives them until end of stream and counts the frames and their payload bytes.
//
//   length stream (length:width=4, a 4-byte big-endian length then the payload):
//     framekit read_frame    FramedStream::async_read_frame, one completion per frame
//     framekit read_frames   FramedStream::async_read_frames, one completion per read
//     asio transfer_exactly  async_read(transfer_exactly(4)) for the header, then
//                            async_read(transfer_exactly(n)) for the payload
//   delimiter stream ('\n' after the payload):
//     framekit read_frame / read_frames as above (spec "delimiter")
//     asio read_until        async_read_until(dynamic_buffer(std::string), '\n'), then consume
//
// Also measured: the floor of a reader that takes one pass through Asio's scheduler per message, a
// handler that re-defers itself (no I/O): each pass costs an epoll_wait(0), which bounds
// async_read_until and transfer_exactly. async_read_frame chained from its own handlers completes
// up to kMaxInlineReads frames decoded ahead per pass (asio/internal/ops.h), and async_read_frames
// a whole read's frames.
//
// Each (size, mode) runs --reps times, interleaved (rep 1 of every mode, then rep 2, ...), so a
// slow patch of a shared machine hits every mode alike. Prints one Markdown table: median msgs/s
// with the min-max spread, and the adapter's ratio over Asio's own framing on the same stream
// (median of the per-repetition ratios, with their min-max).
//
//   bazel run -c opt //benchmarks/asio:asio_framing_benchmark -- --reps=5
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/completion_condition.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "framekit/asio/framed_stream.h"
#include "framekit/benchmarks/cpu_pinning.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"

namespace framekit {
namespace {

using boost::system::error_code;
using unix_socket = boost::asio::local::stream_protocol::socket;
using boost::asio::ip::tcp;

struct Flags {
  int reps = 5;
  uint64_t small_messages = 500'000;  // 16 B payloads
  uint64_t large_messages = 16'384;   // 64 KiB payloads (1 GiB)
  bool tcp = false;
  asio::FramedStreamOptions options;  // --read_size, --max_idle_read_buffer
  // --spec / --payload: only these streams (for profiling one row); empty = all.
  std::vector<std::string> specs = {"length:width=4", "delimiter"};
  std::vector<size_t> sizes = {16, 64 * 1024};
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "asio_framing_benchmark: %s\n", why.c_str());
  std::exit(1);
}

std::unique_ptr<Framer> MakeFramerOrDie(absl::string_view spec) {
  auto f = MakeFramer(spec);
  if (!f.ok()) Die(std::string(f.status().message()));
  return *std::move(f);
}

// `messages` frames of `size`-byte payloads, as the writer sends them: a block of whole frames
// (about 256 KiB, at least one frame) written repeatedly, the last write cut to the count.
struct Stream {
  std::string block;
  uint64_t frames_per_block;
  uint64_t frame_size;
};

Stream Encode(const Framer& framer, size_t payload_size) {
  std::string payload(payload_size, 'x');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  Stream s;
  std::string one;
  if (!framer.Encode(payload, &one).ok()) Die("encode failed");
  s.frame_size = one.size();
  s.frames_per_block = std::max<uint64_t>(1, (256 * 1024) / one.size());
  for (uint64_t i = 0; i < s.frames_per_block; ++i) s.block += one;
  return s;
}

void WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      Die(std::string("write: ") + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void Writer(int fd, const Stream& s, uint64_t messages) {
  benchmarks::PinThisThread(benchmarks::CpuRole::kSender);
  uint64_t left = messages;
  while (left > 0) {
    const uint64_t frames = std::min(left, s.frames_per_block);
    WriteAll(fd, s.block.data(), frames * s.frame_size);
    left -= frames;
  }
  ::shutdown(fd, SHUT_WR);
}

struct Count {
  uint64_t frames = 0;
  uint64_t bytes = 0;
};

// ---- The readers: each reads until end of stream, counting frames and payload bytes ----

template <typename Socket>
void FramekitReadFrame(Socket& socket, const Framer& framer, const asio::FramedStreamOptions& o,
                       Count* count) {
  asio::FramedStream<Socket> stream(std::move(socket), framer, o);
  std::function<void()> read;
  read = [&] {
    stream.async_read_frame([&](error_code ec, absl::string_view f) {
      if (ec) {
        if (ec != boost::asio::error::eof) Die("framekit read_frame: " + ec.message());
        return;
      }
      ++count->frames;
      count->bytes += f.size();
      read();
    });
  };
  read();
  static_cast<boost::asio::io_context&>(stream.get_executor().context()).run();
}

template <typename Socket>
void FramekitReadFrames(Socket& socket, const Framer& framer, const asio::FramedStreamOptions& o,
                        Count* count) {
  asio::FramedStream<Socket> stream(std::move(socket), framer, o);
  std::function<void()> read;
  read = [&] {
    stream.async_read_frames(
        [count](absl::string_view f) {
          ++count->frames;
          count->bytes += f.size();
        },
        [&](error_code ec, size_t) {
          if (ec) {
            if (ec != boost::asio::error::eof) Die("framekit read_frames: " + ec.message());
            return;
          }
          read();
        });
  };
  read();
  static_cast<boost::asio::io_context&>(stream.get_executor().context()).run();
}

// Asio's length-prefixed idiom: exactly 4 header bytes, then exactly the payload.
template <typename Socket>
class AsioTransferExactly {
 public:
  AsioTransferExactly(Socket& socket, Count* count) : socket_(socket), count_(count) {}
  void Start() { ReadHeader(); }

 private:
  void ReadHeader() {
    boost::asio::async_read(socket_, boost::asio::buffer(header_), boost::asio::transfer_exactly(4),
                            [this](error_code ec, size_t) {
                              if (ec) {
                                if (ec != boost::asio::error::eof) {
                                  Die("asio header: " + ec.message());
                                }
                                return;
                              }
                              const uint32_t n = (uint32_t{header_[0]} << 24) |
                                                 (uint32_t{header_[1]} << 16) |
                                                 (uint32_t{header_[2]} << 8) | header_[3];
                              body_.resize(n);
                              ReadBody(n);
                            });
  }
  void ReadBody(uint32_t n) {
    boost::asio::async_read(socket_, boost::asio::buffer(body_), boost::asio::transfer_exactly(n),
                            [this](error_code ec, size_t got) {
                              if (ec) Die("asio body: " + ec.message());
                              ++count_->frames;
                              count_->bytes += got;
                              ReadHeader();
                            });
  }

  Socket& socket_;
  Count* count_;
  unsigned char header_[4];
  std::string body_;
};

// Asio's delimiter idiom: read_until '\n' into a dynamic string buffer, take the line, consume it.
template <typename Socket>
class AsioReadUntil {
 public:
  AsioReadUntil(Socket& socket, Count* count) : socket_(socket), count_(count) {}
  void Start() { Read(); }

 private:
  void Read() {
    boost::asio::async_read_until(socket_, boost::asio::dynamic_buffer(buffer_), '\n',
                                  [this](error_code ec, size_t n) {
                                    if (ec) {
                                      if (ec != boost::asio::error::eof) {
                                        Die("asio read_until: " + ec.message());
                                      }
                                      return;
                                    }
                                    ++count_->frames;
                                    count_->bytes += n - 1;
                                    buffer_.erase(0, n);
                                    Read();
                                  });
  }

  Socket& socket_;
  Count* count_;
  std::string buffer_;
};

enum class Mode { kReadFrame, kReadFrames, kAsioOwn };

const char* ModeName(Mode m, bool delimiter) {
  switch (m) {
    case Mode::kReadFrame:
      return "framekit async_read_frame";
    case Mode::kReadFrames:
      return "framekit async_read_frames";
    case Mode::kAsioOwn:
      return delimiter ? "asio async_read_until" : "asio async_read(transfer_exactly)";
  }
  return "?";
}

template <typename Socket>
Count Receive(Socket& socket, Mode mode, const Framer& framer,
              const asio::FramedStreamOptions& options) {
  Count count;
  switch (mode) {
    case Mode::kReadFrame:
      FramekitReadFrame(socket, framer, options, &count);
      break;
    case Mode::kReadFrames:
      FramekitReadFrames(socket, framer, options, &count);
      break;
    case Mode::kAsioOwn:
      if (framer.kind() == "delimiter") {
        AsioReadUntil<Socket> r(socket, &count);
        r.Start();
        static_cast<boost::asio::io_context&>(socket.get_executor().context()).run();
      } else {
        AsioTransferExactly<Socket> r(socket, &count);
        r.Start();
        static_cast<boost::asio::io_context&>(socket.get_executor().context()).run();
      }
      break;
  }
  return count;
}

// The calling thread's CPU time (user + system), in ns.
double ThreadCpuNs() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

struct RunResult {
  double rate;    // msgs/s
  double cpu_ns;  // the reader thread's CPU time per message (ns): unlike the rate, not
                  // stretched by time the reader spends waiting or preempted
};

// One run: a fresh connection, the writer thread, the reader until end of stream.
RunResult RunOnce(const Flags& flags, Mode mode, const Framer& framer, const Stream& stream,
                  size_t payload_size, uint64_t messages) {
  boost::asio::io_context io;
  Count count;
  std::chrono::steady_clock::time_point start, end;
  double cpu_start = 0, cpu_end = 0;
  auto measure = [&](auto& reader_socket, int writer_fd) {
    std::thread writer(Writer, writer_fd, std::cref(stream), messages);
    start = std::chrono::steady_clock::now();
    cpu_start = ThreadCpuNs();
    count = Receive(reader_socket, mode, framer, flags.options);
    cpu_end = ThreadCpuNs();
    end = std::chrono::steady_clock::now();
    writer.join();
  };
  if (flags.tcp) {
    tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    tcp::socket writer(io);
    writer.connect(acceptor.local_endpoint());
    tcp::socket reader = acceptor.accept();
    reader.set_option(tcp::no_delay(true));
    measure(reader, writer.native_handle());
  } else {
    unix_socket writer(io), reader(io);
    boost::asio::local::connect_pair(writer, reader);
    measure(reader, writer.native_handle());
  }
  if (count.frames != messages || count.bytes != messages * payload_size) {
    Die(absl::StrFormat("%s: received %d frames / %d bytes, sent %d / %d", ModeName(mode, false),
                        count.frames, count.bytes, messages, messages * payload_size));
  }
  return {static_cast<double>(messages) / std::chrono::duration<double>(end - start).count(),
          (cpu_end - cpu_start) / static_cast<double>(messages)};
}

// The scheduler floor: `n` completions, each deferring the next, on an io_context that also waits
// on a socket (a read that never completes), as a reader's io_context does: every pass through the
// scheduler then polls epoll (epoll_wait with a zero timeout) before the next handler runs.
double CompletionFloor(uint64_t n) {
  boost::asio::io_context io;
  unix_socket a(io), b(io);
  boost::asio::local::connect_pair(a, b);
  char byte;
  a.async_read_some(boost::asio::buffer(&byte, 1), [](error_code, size_t) {});
  uint64_t left = n;
  std::chrono::steady_clock::time_point end;
  std::function<void()> step = [&] {
    if (--left > 0) {
      boost::asio::defer(io, step);
    } else {
      end = std::chrono::steady_clock::now();
      a.close();
    }
  };
  const auto start = std::chrono::steady_clock::now();
  boost::asio::defer(io, step);
  io.run();
  return static_cast<double>(n) / std::chrono::duration<double>(end - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Rate(double r) {
  if (r >= 1e6) return absl::StrFormat("%.2f M", r / 1e6);
  return absl::StrFormat("%.1f k", r / 1e3);
}

// A CPU time per message: ns below 10 us, else us.
std::string Ns(double ns) {
  if (ns < 10'000) return absl::StrFormat("%.0f ns", ns);
  return absl::StrFormat("%.1f us", ns / 1e3);
}

// "median (min-max)" of per-repetition rates.
std::string RateSpread(const std::vector<double>& v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return Rate(Median(v)) + " (" + Rate(*lo) + "-" + Rate(*hi) + ")";
}

// scale * a[i] / b[i] for each repetition i (runs of the same repetition, adjacent in time).
std::vector<double> PerRep(const std::vector<double>& a, const std::vector<double>& b,
                           double scale = 1) {
  std::vector<double> r;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) r.push_back(scale * a[i] / b[i]);
  return r;
}

// "<median><unit> (<min>-<max>)", each number printed with `format`.
std::string Spread(const std::vector<double>& v, const absl::FormatSpec<double>& format,
                   absl::string_view unit) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return absl::StrFormat(format, Median(v)) + std::string(unit) + " (" +
         absl::StrFormat(format, *lo) + "-" + absl::StrFormat(format, *hi) + ")";
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    auto value = [&](absl::string_view name, uint64_t* out) {
      if (!absl::ConsumePrefix(&a, name)) return false;
      if (!absl::SimpleAtoi(a, out) || *out == 0) Die(std::string("bad value for ") + argv[i]);
      return true;
    };
    uint64_t reps;
    if (value("--reps=", &reps)) {
      f.reps = static_cast<int>(reps);
    } else if (value("--read_size=", &f.options.read_size) ||
               value("--max_idle_read_buffer=", &f.options.max_idle_read_buffer)) {
    } else if (value("--small_messages=", &f.small_messages) ||
               value("--large_messages=", &f.large_messages)) {
    } else if (absl::ConsumePrefix(&a, "--spec=")) {
      if (a != "length:width=4" && a != "delimiter") Die(std::string("bad value for ") + argv[i]);
      f.specs = {std::string(a)};
    } else if (absl::ConsumePrefix(&a, "--payload=")) {
      if (a != "16" && a != "65536") Die(std::string("bad value for ") + argv[i]);
      f.sizes = {a == "16" ? size_t{16} : size_t{64 * 1024}};
    } else if (a == "--transport=tcp") {
      f.tcp = true;
    } else if (a == "--transport=unix") {
      f.tcp = false;
    } else if (a == "--no_pin") {
      benchmarks::SetCpuPinning(false);
    } else {
      Die(std::string("unknown flag ") + argv[i] +
          " (flags: --reps=N --small_messages=N --large_messages=N --transport=unix|tcp "
          "--read_size=BYTES --max_idle_read_buffer=BYTES --no_pin "
          "--spec=length:width=4|delimiter --payload=16|65536)");
    }
  }
  return f;
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  benchmarks::PinThisThread(benchmarks::CpuRole::kReceiver);
  const std::vector<std::string>& specs = flags.specs;
  const std::vector<size_t>& sizes = flags.sizes;
  const Mode modes[] = {Mode::kReadFrame, Mode::kReadFrames, Mode::kAsioOwn};
  // results[spec][size][mode] = msgs/s per repetition.
  std::map<std::string, std::map<size_t, std::map<Mode, std::vector<double>>>> results;
  // cpu[spec][size][mode] = the reader's CPU ns per message, per repetition.
  std::map<std::string, std::map<size_t, std::map<Mode, std::vector<double>>>> cpu;
  std::map<std::string, std::unique_ptr<Framer>> framers;
  std::map<std::string, std::map<size_t, Stream>> streams;
  for (const std::string& spec : specs) {
    framers[spec] = MakeFramerOrDie(spec);
    for (size_t size : sizes) streams[spec][size] = Encode(*framers[spec], size);
  }
  std::vector<double> floor;
  for (int rep = 0; rep < flags.reps; ++rep) {
    floor.push_back(CompletionFloor(flags.small_messages));
    std::fprintf(stderr, "rep %d completion floor %s completions/s\n", rep + 1,
                 Rate(floor.back()).c_str());
    for (const std::string& spec : specs) {
      for (size_t size : sizes) {
        const uint64_t messages = size == 16 ? flags.small_messages : flags.large_messages;
        for (Mode mode : modes) {
          const RunResult r =
              RunOnce(flags, mode, *framers[spec], streams[spec][size], size, messages);
          results[spec][size][mode].push_back(r.rate);
          cpu[spec][size][mode].push_back(r.cpu_ns);
          std::fprintf(stderr, "rep %d %-16s %6zu B %-34s %s msgs/s, reader CPU %s/msg\n", rep + 1,
                       spec.c_str(), size, ModeName(mode, spec == "delimiter"),
                       Rate(r.rate).c_str(), Ns(r.cpu_ns).c_str());
        }
      }
    }
  }

  std::printf("\n## framekit Asio adapter vs Asio's own framing\n\n");
  std::printf(
      "%s, %d repetitions (interleaved); %s; %llu messages at 16 B, %llu at 64 KiB; "
      "FramedStream read_size %zu, max_idle_read_buffer %zu.\n",
      flags.tcp ? "loopback TCP" : "Unix socketpair", flags.reps,
      benchmarks::CpuPinningDescription(), static_cast<unsigned long long>(flags.small_messages),
      static_cast<unsigned long long>(flags.large_messages), flags.options.read_size,
      flags.options.max_idle_read_buffer);
  std::printf(
      "msgs/s: median (min-max); ratio: adapter / Asio's own framing on the same stream, "
      "median of the per-repetition ratios (min-max). Floor (16 B rows): one pass through "
      "Asio's scheduler per message (below), over Asio's own rate: the most a reader taking "
      "such a pass per message can reach; \"vs floor\": async_read_frame's rate over the "
      "floor's (above 100%: frames completed without a pass each). Reader CPU/msg: "
      "the reading thread's CPU time (user + system) per message, median (min-max); CPU "
      "ratio: Asio's own CPU/msg over the adapter's in the same repetition (> 1: the adapter "
      "spends less), median (min-max).\n\n");
  std::printf(
      "| stream | payload | reader | msgs/s | ratio | vs floor | reader CPU/msg | CPU ratio |\n"
      "|---|---|---|---|---|---|---|---|\n");
  for (const std::string& spec : specs) {
    const bool delimiter = spec == "delimiter";
    for (size_t size : sizes) {
      auto& by_mode = results[spec][size];
      const std::vector<double>& own = by_mode[Mode::kAsioOwn];
      const std::vector<double>& own_cpu = cpu[spec][size][Mode::kAsioOwn];
      const char* payload = size == 16 ? "16 B" : "64 KiB";
      for (Mode mode : modes) {
        const std::vector<double>& v = by_mode[mode];
        std::string ratio = "1x (baseline)";
        if (mode != Mode::kAsioOwn) ratio = "**" + Spread(PerRep(v, own), "%.1f", "x**");
        std::string vs_floor;
        if (size == 16 && mode == Mode::kReadFrame) {
          vs_floor = Spread(PerRep(v, floor, 100), "%.0f", "%");
        }
        const std::vector<double>& c = cpu[spec][size][mode];
        const auto [clo, chi] = std::minmax_element(c.begin(), c.end());
        const std::string cpu_ratio =
            mode == Mode::kAsioOwn ? "1x" : Spread(PerRep(own_cpu, c), "%.1f", "x");
        std::printf("| %s | %s | %s | %s | %s | %s | %s (%s-%s) | %s |\n", spec.c_str(), payload,
                    ModeName(mode, delimiter), RateSpread(v).c_str(), ratio.c_str(),
                    vs_floor.c_str(), Ns(Median(c)).c_str(), Ns(*clo).c_str(), Ns(*chi).c_str(),
                    cpu_ratio.c_str());
      }
      if (size == 16) {
        std::printf(
            "| %s | %s | floor: one scheduler pass per message | %s | %s | "
            "100%% | | |\n",
            spec.c_str(), payload, RateSpread(floor).c_str(),
            Spread(PerRep(floor, own), "%.1f", "x").c_str());
      }
    }
  }
  std::printf(
      "\nFloor of one scheduler pass per message (a handler deferring itself while the "
      "io_context also waits on a socket): %s completions/s.\n",
      RateSpread(floor).c_str());
  return 0;
}

}  // namespace
}  // namespace framekit

int main(int argc, char** argv) { return framekit::Main(argc, argv); }

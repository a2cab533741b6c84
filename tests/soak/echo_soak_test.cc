// framekit/tests/soak/echo_soak_test.cc
//
// Soak: framecat --echo (a subprocess on 127.0.0.1:0) serves 1,000 concurrent loopback clients,
// each sending 100 frames of random sizes (0 bytes .. the 64 KiB max) cut into random writes
// (1 byte .. 64 KiB), all driven from this one thread: every frame comes back intact and in order,
// none is lost or extra, all 1,000 connections are open on the server at once, each client then
// half-closes and gets a clean end of stream, the server logs no closed connection and exits 0 on
// SIGTERM, and its peak memory (VmHWM) stays within connections x (2 x (max + read size) + queue
// bound) + slack. Run for the length and the delimiter framer. Numbers are printed as "SOAK ..."
// lines (copied into docs/soak.md).
//
// The descriptor limit is raised to the hard limit; if that cannot fit 1,000 clients on both sides,
// fewer clients run and the test says so. Set FRAMEKIT_SOAK_SEED to replay a run's random choices.
#include <sys/wait.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/tests/soak/swarm.h"
#include "framekit/tests/testing/framecat_process.h"
#include "framekit/transport/address.h"
#include "gtest/gtest.h"

namespace framekit {
namespace soak {
namespace {

using test_support::CountLines;
using test_support::FramecatProcess;
using test_support::RaiseDescriptorLimit;

constexpr int kClients = 1000;
constexpr int kFramesPerClient = 100;
constexpr size_t kMaxPayload = 64 * 1024;
constexpr size_t kServerReadSize = 64 * 1024;  // FramedConnectionOptions::read_size default
constexpr size_t kMaxOutput = 1 << 20;         // --max_output_bytes: above any client's stream
// Descriptors kept free beside the clients (test: pipes, poller, gtest; server: its own few).
constexpr rlim_t kSpareFds = 64;
// The whole test (connect, exchange, close) fails past this rather than hang.
constexpr absl::Duration kDeadline = absl::Seconds(60);

uint64_t Seed() {
  uint64_t seed = 0;
  const char* env = std::getenv("FRAMEKIT_SOAK_SEED");
  if (env != nullptr && absl::SimpleAtoi(env, &seed)) return seed;
  return static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
}

struct Param {
  const char* spec;
  int forbidden_byte;  // the delimiter, which payloads must avoid
};

class EchoSoakTest : public ::testing::TestWithParam<Param> {};

TEST_P(EchoSoakTest, ThousandClientsHundredFramesRandomSplitsAllEchoedInOrder) {
  const Param param = GetParam();
  const rlim_t limit = RaiseDescriptorLimit();
  int clients = kClients;
  if (limit < static_cast<rlim_t>(kClients) + kSpareFds) {
    clients = limit > kSpareFds + 100 ? static_cast<int>(limit - kSpareFds) : 0;
    std::printf("SOAK scaled down: RLIMIT_NOFILE hard limit %ju fits %d clients, not %d\n",
                static_cast<uintmax_t>(limit), clients, kClients);
    if (clients == 0) GTEST_SKIP() << "RLIMIT_NOFILE " << limit << " is too low for a soak";
  }
  const uint64_t seed = Seed();
  std::printf("SOAK seed %" PRIu64 " (FRAMEKIT_SOAK_SEED replays it), %s, %d clients\n", seed,
              param.spec, clients);

  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(param.spec);
  ASSERT_TRUE(framer.ok()) << framer.status();
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer(
      param.spec, {absl::StrCat("--max_output_bytes=", kMaxOutput)});
  ASSERT_NE(server, nullptr);
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse(server->address());
  ASSERT_TRUE(address.ok()) << address.status();
  const long hwm_before = server->StatusKb("VmHWM");
  const int fds_before = server->OpenFds();
  const long cpu_before = server->CpuTicks();
  ASSERT_GT(hwm_before, 0);
  ASSERT_GT(fds_before, 0);

  int peak_fds = 0;
  long peak_rss = 0;
  Swarm::Options options;
  options.server = *address;
  options.framer = framer->get();
  options.forbidden_byte = param.forbidden_byte;
  options.max_payload = kMaxPayload;
  options.seed = seed;
  options.sampler = [&] {
    peak_fds = std::max(peak_fds, server->OpenFds());
    peak_rss = std::max(peak_rss, server->StatusKb("VmRSS"));
  };
  Swarm swarm(options);
  for (int i = 0; i < clients; ++i) swarm.AddEcho(kFramesPerClient);

  const absl::Time start = absl::Now();
  const absl::Time deadline = start + kDeadline;
  absl::Status s = swarm.Connect(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  const absl::Time connected = absl::Now();
  s = swarm.Exchange(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  const absl::Time exchanged = absl::Now();
  // Nobody has closed yet: every client is a descriptor on the server right now.
  const int fds_all_open = server->OpenFds();
  const long rss_all_open = server->StatusKb("VmRSS");
  EXPECT_GE(fds_all_open, fds_before + clients) << "not all clients were open at once";
  EXPECT_EQ(swarm.open_clients(), clients);
  s = swarm.Close(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  const absl::Time closed = absl::Now();

  EXPECT_EQ(swarm.frames_echoed(), static_cast<uint64_t>(clients) * kFramesPerClient);
  const long hwm_after = server->StatusKb("VmHWM");
  const long cpu_after = server->CpuTicks();
  const std::string err = server->Stderr();
  EXPECT_EQ(CountLines(err, "closing"), 0) << err;
  EXPECT_EQ(CountLines(err, "accept"), 0) << err;

  // Per connection the server holds at most its decoder's buffer (a frame of up to max plus one
  // read, grown by doubling: under 2 x (max + read size)) and its queue of echoes (under
  // --max_output_bytes, in practice far less since the clients read). The slack covers the
  // allocator and the connection objects; a sanitizer's own memory is added on top.
  const long per_connection_kb = static_cast<long>(2 * (kMaxPayload + kServerReadSize) / 1024);
  const long heap_bound_kb = clients * per_connection_kb + 64 * 1024;
  const long bound_kb = heap_bound_kb + test_support::SanitizerOverheadKb(heap_bound_kb);
  EXPECT_LE(hwm_after - hwm_before, bound_kb)
      << "server peak memory grew by " << hwm_after - hwm_before << " KiB";

  std::optional<int> status = server->Stop(absl::Now() + absl::Seconds(30));
  ASSERT_TRUE(status.has_value()) << "framecat did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;

  std::printf(
      "SOAK %s: %d concurrent clients x %d frames = %" PRIu64
      " frames echoed intact, %.1f MiB "
      "each way; connect %.2f s, exchange %.2f s, close %.2f s, total %.2f s; server: %d fds open "
      "with all connected (peak sampled %d, idle %d), VmHWM %ld KiB -> %ld KiB (+%ld KiB, bound "
      "+%ld KiB), VmRSS %ld KiB all open (peak sampled %ld KiB), CPU %.2f s\n",
      param.spec, clients, kFramesPerClient, swarm.frames_echoed(),
      static_cast<double>(swarm.bytes_sent()) / (1 << 20), absl::ToDoubleSeconds(connected - start),
      absl::ToDoubleSeconds(exchanged - connected), absl::ToDoubleSeconds(closed - exchanged),
      absl::ToDoubleSeconds(closed - start), fds_all_open, peak_fds, fds_before, hwm_before,
      hwm_after, hwm_after - hwm_before, bound_kb, rss_all_open, peak_rss,
      static_cast<double>(cpu_after - cpu_before) / sysconf(_SC_CLK_TCK));
  std::fflush(stdout);
}

INSTANTIATE_TEST_SUITE_P(Framers, EchoSoakTest,
                         ::testing::Values(Param{"length:width=4,max=64KiB", -1},
                                           Param{"delimiter:max=64KiB", '\n'}),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return info.param.forbidden_byte < 0 ? "Length" : "Delimiter";
                         });

}  // namespace
}  // namespace soak
}  // namespace framekit

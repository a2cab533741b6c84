// framekit/tests/soak/abuse_soak_test.cc
//
// Abuse: while 100 well-behaved clients each send 100 frames to framecat --echo (max 64 KiB,
// --max_output_bytes=256KiB) and check every echo, three kinds of bad clients hit the same server
// at once, all from this one thread:
//   * 10 flooders that never end a frame: with the delimiter framer an endless line (64 MiB of 'x',
//     no '\n'); with the length framer (8-byte header) a header announcing 4 GiB, then 64 MiB of
//     body. Each must be closed by the server (EOF or reset) long before 64 MiB, without a byte of
//     reply, and logged once as RESOURCE_EXHAUSTED;
//   * 20 tricklers sending two small frames one byte per 100 ms (headers split byte by byte): they
//     get their echoes, and every normal client is fully served before the first trickler is done,
//     so slow peers hold up nobody;
// and the server's peak memory (VmHWM) grows by no more than connections x 2 x (max + read size)
// + slack -- far below what buffering one flood would take. Then every good client half-closes and
// gets a clean end of stream, and the server exits 0 on SIGTERM. Numbers are printed as "ABUSE ..."
// lines (copied into docs/soak.md).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

constexpr int kGoodClients = 100;
constexpr int kFramesPerClient = 100;
constexpr int kFlooders = 10;
constexpr int kTricklers = 20;
constexpr int kTrickleFrames = 2;
constexpr size_t kTricklePayload = 16;
constexpr uint64_t kFloodBytes = uint64_t{64} << 20;
constexpr size_t kMaxPayload = 64 * 1024;
constexpr size_t kServerReadSize = 64 * 1024;
constexpr size_t kMaxOutput = 256 * 1024;
constexpr absl::Duration kDeadline = absl::Seconds(60);

uint64_t Seed() {
  uint64_t seed = 0;
  const char* env = std::getenv("FRAMEKIT_SOAK_SEED");
  if (env != nullptr && absl::SimpleAtoi(env, &seed)) return seed;
  return static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
}

struct Param {
  const char* name;
  const char* spec;
  int forbidden_byte;
  const char* flood_prefix;  // what a flooder sends before its endless 'x's
  size_t flood_prefix_size;
};

class AbuseSoakTest : public ::testing::TestWithParam<Param> {};

TEST_P(AbuseSoakTest, FloodersAndTricklersStayBoundedWhileOthersAreServed) {
  const Param param = GetParam();
  RaiseDescriptorLimit();  // ~130 clients: any usual limit fits, but be safe
  const uint64_t seed = Seed();
  std::printf("ABUSE seed %" PRIu64 " (FRAMEKIT_SOAK_SEED replays it), %s\n", seed, param.spec);

  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(param.spec);
  ASSERT_TRUE(framer.ok()) << framer.status();
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer(
      param.spec, {absl::StrCat("--max_output_bytes=", kMaxOutput)});
  ASSERT_NE(server, nullptr);
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse(server->address());
  ASSERT_TRUE(address.ok()) << address.status();
  const long hwm_before = server->StatusKb("VmHWM");
  ASSERT_GT(hwm_before, 0);

  long peak_rss = 0;
  Swarm::Options options;
  options.server = *address;
  options.framer = framer->get();
  options.forbidden_byte = param.forbidden_byte;
  options.max_payload = kMaxPayload;
  options.seed = seed;
  options.trickle_interval = absl::Milliseconds(100);
  options.sampler = [&] { peak_rss = std::max(peak_rss, server->StatusKb("VmRSS")); };
  Swarm swarm(options);
  // The bad clients connect first and start with everyone else.
  for (int i = 0; i < kFlooders; ++i) {
    swarm.AddFlood(std::string(param.flood_prefix, param.flood_prefix_size), kFloodBytes);
  }
  for (int i = 0; i < kTricklers; ++i) swarm.AddTrickle(kTrickleFrames, kTricklePayload);
  for (int i = 0; i < kGoodClients; ++i) swarm.AddEcho(kFramesPerClient);
  const int connections = kFlooders + kTricklers + kGoodClients;

  const absl::Time start = absl::Now();
  const absl::Time deadline = start + kDeadline;
  absl::Status s = swarm.Connect(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  s = swarm.Exchange(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  const absl::Time exchanged = absl::Now();
  const long hwm_after = server->StatusKb("VmHWM");
  s = swarm.Close(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();

  // Who finished when; what the flooders got through.
  absl::Time last_good = absl::InfinitePast(), first_trickle = absl::InfiniteFuture();
  absl::Time last_trickle = absl::InfinitePast(), last_flood = absl::InfinitePast();
  uint64_t max_flood_sent = 0;
  for (const auto& c : swarm.clients()) {
    switch (c->kind) {
      case Swarm::Kind::kEcho:
        last_good = std::max(last_good, c->finished);
        break;
      case Swarm::Kind::kTrickle:
        first_trickle = std::min(first_trickle, c->finished);
        last_trickle = std::max(last_trickle, c->finished);
        break;
      case Swarm::Kind::kFlood: {
        last_flood = std::max(last_flood, c->finished);
        max_flood_sent = std::max(max_flood_sent, c->flood_sent + c->sent);
        SCOPED_TRACE(absl::StrCat("flooder ", c->local));
        EXPECT_TRUE(c->closed_by_server);
        EXPECT_EQ(c->bytes_received, 0u);
        EXPECT_LT(c->flood_sent, kFloodBytes) << "the server swallowed the whole flood";
        const std::string prefix = absl::StrCat("framecat: closing ", c->local, ": ");
        ASSERT_TRUE(server->WaitForStderr(prefix, deadline)) << server->Stderr();
        const std::string log = server->Stderr();
        EXPECT_EQ(CountLines(log, prefix), 1) << log;
        size_t at = log.find(prefix);
        EXPECT_NE(log.substr(at, log.find('\n', at) - at).find("RESOURCE_EXHAUSTED"),
                  std::string::npos)
            << log;
        break;
      }
    }
  }
  EXPECT_LT(last_good, first_trickle) << "a trickling client held up the others";
  const std::string log = server->Stderr();
  EXPECT_EQ(CountLines(log, "closing"), kFlooders) << log;  // no good client or trickler closed
  EXPECT_EQ(swarm.frames_echoed(),
            static_cast<uint64_t>(kGoodClients) * kFramesPerClient + kTricklers * kTrickleFrames);

  const long per_connection_kb = static_cast<long>(2 * (kMaxPayload + kServerReadSize) / 1024);
  const long heap_bound_kb = connections * per_connection_kb + 16 * 1024;
  const long bound_kb = heap_bound_kb + test_support::SanitizerOverheadKb(heap_bound_kb);
  EXPECT_LE(hwm_after - hwm_before, bound_kb)
      << "server peak memory grew by " << hwm_after - hwm_before << " KiB";

  std::optional<int> status = server->Stop(absl::Now() + absl::Seconds(30));
  ASSERT_TRUE(status.has_value()) << "framecat did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;

  std::printf(
      "ABUSE %s: %d connections (%d good x %d frames, %d flooders, %d tricklers); flooders closed "
      "after at most %.2f MiB sent each (all within %.2f s); good clients all served in %.2f s; "
      "tricklers done %.2f .. %.2f s; total %.2f s; server VmHWM %ld KiB -> %ld KiB (+%ld KiB, "
      "bound +%ld KiB), VmRSS peak sampled %ld KiB\n",
      param.name, connections, kGoodClients, kFramesPerClient, kFlooders, kTricklers,
      static_cast<double>(max_flood_sent) / (1 << 20), absl::ToDoubleSeconds(last_flood - start),
      absl::ToDoubleSeconds(last_good - start), absl::ToDoubleSeconds(first_trickle - start),
      absl::ToDoubleSeconds(last_trickle - start), absl::ToDoubleSeconds(exchanged - start),
      hwm_before, hwm_after, hwm_after - hwm_before, bound_kb, peak_rss);
  std::fflush(stdout);
}

// Big-endian 8-byte length: 0x1'0000'0000 = 4 GiB.
constexpr char kFourGiBHeader[] = {0, 0, 0, 1, 0, 0, 0, 0};

INSTANTIATE_TEST_SUITE_P(Framers, AbuseSoakTest,
                         ::testing::Values(Param{"EndlessLine", "delimiter:max=64KiB", '\n', "", 0},
                                           Param{"FourGiBHeader", "length:width=8,max=64KiB", -1,
                                                 kFourGiBHeader, sizeof(kFourGiBHeader)}),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace soak
}  // namespace framekit

// framekit/tests/soak/descriptor_exhaustion_soak_test.cc
//
// Out of descriptors at scale: framecat --echo runs with RLIMIT_NOFILE 64 (room for ~56
// connections) and 150 clients connect at once, the rest waiting in the kernel's backlog. The
// server must hit EMFILE on accept, log it, and idle (under 10% of a core over a second while the
// pending connections keep its listener readable) instead of spinning or crashing; then, as clients
// get their 20 echoes (random sizes, random split writes) and half-close, it must accept the
// waiting ones and serve every single client, never holding more than 64 descriptors, and exit 0 on
// SIGTERM.
//
// This extends tests/tools/framecat_test.cc's
// OutOfDescriptorsPausesAcceptingWithoutSpinningAndRecovers (24 clients, 16 descriptors, one frame
// each) to many rounds of exhaustion and recovery under load.
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

constexpr rlim_t kServerFds = 64;
constexpr int kClients = 150;  // under (kServerFds + the listen backlog of 128): none is refused
constexpr int kFramesPerClient = 20;
constexpr absl::Duration kDeadline = absl::Seconds(60);

uint64_t Seed() {
  uint64_t seed = 0;
  const char* env = std::getenv("FRAMEKIT_SOAK_SEED");
  if (env != nullptr && absl::SimpleAtoi(env, &seed)) return seed;
  return static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
}

TEST(DescriptorExhaustionSoakTest, ManyRoundsOfEmfileNeitherSpinNorLoseAClient) {
  RaiseDescriptorLimit();
  const uint64_t seed = Seed();
  std::printf("EMFILE seed %" PRIu64 " (FRAMEKIT_SOAK_SEED replays it)\n", seed);
  const std::string spec = "length:width=4,max=64KiB";
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  ASSERT_TRUE(framer.ok()) << framer.status();
  std::unique_ptr<FramecatProcess> server =
      FramecatProcess::StartEchoServer(spec, {}, /*max_fds=*/kServerFds);
  ASSERT_NE(server, nullptr);
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse(server->address());
  ASSERT_TRUE(address.ok()) << address.status();
  const int fds_idle = server->OpenFds();

  int peak_fds = 0;
  Swarm::Options options;
  options.server = *address;
  options.framer = framer->get();
  options.seed = seed;
  options.close_when_echoed = true;  // each finished client frees a server descriptor
  options.sampler = [&] { peak_fds = std::max(peak_fds, server->OpenFds()); };
  Swarm swarm(options);
  for (int i = 0; i < kClients; ++i) swarm.AddEcho(kFramesPerClient);

  const absl::Time start = absl::Now();
  const absl::Time deadline = start + kDeadline;
  absl::Status s = swarm.Connect(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  ASSERT_TRUE(server->WaitForStderr("pausing accepts", deadline)) << server->Stderr();
  const int fds_saturated = server->OpenFds();

  // Saturated, with connections pending: the listener stays readable, yet the server must idle.
  const long cpu_before = server->CpuTicks();
  absl::SleepFor(absl::Seconds(1));
  const long cpu_after = server->CpuTicks();
  ASSERT_GE(cpu_before, 0);
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  EXPECT_LT(cpu_after - cpu_before, ticks_per_second / 10) << "the accept loop spins";

  s = swarm.Exchange(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  s = swarm.Close(deadline);
  ASSERT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();
  const absl::Time done = absl::Now();
  EXPECT_EQ(swarm.frames_echoed(), static_cast<uint64_t>(kClients) * kFramesPerClient);
  EXPECT_LE(peak_fds, static_cast<int>(kServerFds));

  // Still accepting normally afterwards.
  Swarm after(options);
  after.AddEcho(kFramesPerClient);
  s = after.Connect(deadline);
  if (s.ok()) s = after.Exchange(deadline);
  if (s.ok()) s = after.Close(deadline);
  EXPECT_TRUE(s.ok()) << s << "\nserver stderr:\n" << server->Stderr();

  std::optional<int> status = server->Stop(absl::Now() + absl::Seconds(30));
  ASSERT_TRUE(status.has_value()) << "framecat did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;
  const std::string err = server->Stderr();
  const int episodes = CountLines(err, "pausing accepts");
  EXPECT_GE(episodes, 1) << err;
  EXPECT_EQ(CountLines(err, "closing"), 0) << err;

  std::printf(
      "EMFILE: RLIMIT_NOFILE %ju, %d clients x %d frames all served in %.2f s; server fds idle %d, "
      "saturated %d, peak sampled %d; %d accept-pause episodes logged; CPU while saturated %ld "
      "ticks in 1 s (%ld ticks/s)\n",
      static_cast<uintmax_t>(kServerFds), kClients, kFramesPerClient,
      absl::ToDoubleSeconds(done - start), fds_idle, fds_saturated, peak_fds, episodes,
      cpu_after - cpu_before, ticks_per_second);
  std::fflush(stdout);
}

}  // namespace
}  // namespace soak
}  // namespace framekit

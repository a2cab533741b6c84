#include "framekit/benchmarks/cpu_pinning.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace framekit {
namespace benchmarks {
namespace {

std::atomic<bool> g_enabled{true};

// The first two CPUs in this process's affinity mask, or -1s.
struct TwoCpus {
  int receiver = -1;
  int sender = -1;
};

const TwoCpus& Cpus() {
  static const TwoCpus cpus = [] {
    TwoCpus c;
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return c;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (!CPU_ISSET(cpu, &allowed)) continue;
      if (c.receiver < 0) {
        c.receiver = cpu;
      } else {
        c.sender = cpu;
        break;
      }
    }
    if (c.sender < 0) c.receiver = -1;
    return c;
  }();
  return cpus;
}

}  // namespace

void SetCpuPinning(bool enabled) { g_enabled.store(enabled); }

bool PinThisThread(CpuRole role) {
  if (!g_enabled.load()) return false;
  const TwoCpus& cpus = Cpus();
  if (cpus.sender < 0) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(role == CpuRole::kReceiver ? cpus.receiver : cpus.sender, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true))
      std::fprintf(stderr, "cpu_pinning: pthread_setaffinity_np failed\n");
    return false;
  }
  return true;
}

const char* CpuPinningDescription() {
  static const std::string text = [] {
    const TwoCpus& cpus = Cpus();
    if (cpus.sender < 0) return std::string("threads not pinned (fewer than 2 CPUs available)");
    return "receiver pinned to CPU " + std::to_string(cpus.receiver) + ", senders to CPU " +
           std::to_string(cpus.sender);
  }();
  return g_enabled.load() ? text.c_str() : "threads not pinned (--pin_cpus=false)";
}

}  // namespace benchmarks
}  // namespace framekit

// framekit/benchmarks/cpu_pinning.h
//
// Places a loopback benchmark's threads the same way every run: the receiver on one CPU, every
// sender on another. Left to the scheduler, a sender sometimes shares the receiver's CPU and
// sometimes not, and over loopback that alone moves throughput by 1.5x between runs of the same
// code, and between a framed stream and the raw stream it is paired with. Pinned, both streams of a
// pair run with the same placement.
//
// Pinning uses the first two CPUs this process may run on; with fewer than two (or if the kernel
// refuses), it does nothing and says so once on stderr.
//
// Example:
//   PinThisThread(CpuRole::kReceiver);                    // the benchmark thread
//   std::thread t([] { PinThisThread(CpuRole::kSender); ... });
#ifndef FRAMEKIT_BENCHMARKS_CPU_PINNING_H_
#define FRAMEKIT_BENCHMARKS_CPU_PINNING_H_

namespace framekit {
namespace benchmarks {

enum class CpuRole { kReceiver, kSender };

// Pins the calling thread to its role's CPU. Returns false (and changes nothing) when the process
// may use fewer than two CPUs or pinning is disabled by SetCpuPinning(false).
bool PinThisThread(CpuRole role);

// Turns pinning on (the default) or off, e.g. from a --pin_cpus flag.
void SetCpuPinning(bool enabled);

// "receiver on CPU 0, senders on CPU 1", or why threads are not pinned: for the results header.
const char* CpuPinningDescription();

}  // namespace benchmarks
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_CPU_PINNING_H_

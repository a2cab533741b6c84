// In-memory framing speed: encode and decode of every built-in framer at 16 B, 256 B, 4 KiB and
// 64 KiB payloads, with the baselines measured in the same binary so results read as ratios:
//
//   BM_Memcpy/N           memcpy of the same encoded stream in 64 KiB chunks (streamed upper bound)
//   BM_MemchrLines/N      a plain memchr line split of the delimiter stream (delimiter upper bound)
//   BM_Encode/<spec>/N    Encode() appending frames to a reused string
//   BM_EncodeToBuffer/<spec>/N  Encode() appending frames to a reused ByteBuffer (no library call
//                             or zero fill to grow it, unlike a std::string)
//   BM_EncodeBatch/<spec>/N   the same frames from one EncodeBatch() call per batch (reused string)
//   BM_DecodeReady/<spec>/N   Next() over a stream already in the decoder (frames as views; the
//                             stream is put back into the decoder each iteration: Refill)
//   BM_DecodeReadyBatch/<spec>/N  the same through NextBatch(), 256 views a call
//   BM_DecodeReadyMixed/<spec>/N  Next() over a ready stream of payloads of N or N + 1 bytes at
//                             random: what a decoder that expects the last frame's size (the
//                             ascii header cache) pays when it is wrong half the time
//   BM_DecodeStream/<spec>/N  the stream fed as a recv loop would (reads of up to 64 KiB sized by
//                             Decoder::NextReadSize) + Next(); each iteration also runs the
//                             memcpy baseline on the same bytes, for the paired_ratio counter
//   BM_DecodeStreamLarge/<spec>/M  the same with frames of random sizes up to a max of M bytes
//                             (larger than a read): buffer_KiB is what the read buffer grew to
//
// Hot loops hold the concrete, `final` framer and decoder types, as a performance-minded caller
// would; the spec string picks the configuration. Streams start page-aligned (see PageAligned).
// By default every benchmark runs 3 times in random order and the summary at the end takes each
// one's best run, and the median of the streamed decode's paired ratios (flags override:
// --benchmark_repetitions=N ...).
//
//   bazel run -c opt //benchmarks:framing_benchmark -- --benchmark_counters_tabular=true
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "framekit/benchmarks/simulated_reads.h"
#include "framekit/framing/ascii_length_framer.h"
#include "framekit/framing/byte_buffer.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/length_header_framer.h"
#include "framekit/framing/netstring_framer.h"

namespace framekit {
namespace {

constexpr size_t kChunk = 64 * 1024;
// Each measured batch carries about this many payload bytes (and at least kMinFrames frames),
// so per-batch costs vanish in the per-frame figures.
constexpr size_t kBatchBytes = 4 << 20;
constexpr size_t kMinFrames = 64;

size_t FramesPerBatch(size_t payload) { return std::max(kMinFrames, kBatchBytes / payload); }

std::string Payload(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string p(size, '\0');
  // Printable, never '\n' nor ',' so every framer (delimiter included) accepts it.
  for (char& c : p) c = static_cast<char>('a' + rng() % 26);
  return p;
}

std::unique_ptr<Framer> Make(const std::string& spec) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  if (!framer.ok()) {
    std::fprintf(stderr, "%s\n", framer.status().ToString().c_str());
    std::abort();
  }
  return *std::move(framer);
}

// Bytes at a page-aligned address. Where a 4 MiB std::string lands (malloc puts it 16 bytes past
// a page) changes how fast memcpy reads it by up to 1.4x, differently for each benchmark's heap
// layout; a socket's data, too, starts at a page in the kernel. So every stream here starts on a
// page, and the memcpy baseline's destination is 64-byte aligned like the decoder's buffer.
class PageAligned {
 public:
  explicit PageAligned(absl::string_view bytes)
      : storage_(static_cast<char*>(::operator new[](bytes.size() + 1, std::align_val_t{4096}))),
        size_(bytes.size()) {
    std::memcpy(storage_.get(), bytes.data(), bytes.size());
  }
  const char* data() const { return storage_.get(); }
  size_t size() const { return size_; }
  operator absl::string_view() const { return absl::string_view(data(), size_); }

 private:
  struct Delete {
    void operator()(char* p) const { ::operator delete[](p, std::align_val_t{4096}); }
  };
  std::unique_ptr<char[], Delete> storage_;
  size_t size_;
};

// The encoded stream of one batch of identical-size frames.
std::string EncodedBatch(const Framer& framer, size_t payload_size) {
  const std::string payload = Payload(payload_size, 42);
  std::string wire;
  for (size_t i = 0, n = FramesPerBatch(payload_size); i < n; ++i) {
    if (!framer.Encode(payload, &wire).ok()) std::abort();
  }
  return wire;
}

// The output of the per-frame encode benchmarks: a std::string or a ByteBuffer, made roomy once.
void MakeRoom(std::string& out, size_t n) { out.reserve(n); }
void MakeRoom(ByteBuffer& out, size_t n) { out.Prepare(n); }
void Empty(std::string& out) { out.clear(); }
void Empty(ByteBuffer& out) { out.Clear(); }

// BM_Encode (Output = std::string) and BM_EncodeToBuffer (Output = ByteBuffer).
template <typename FramerT, typename Output>
void BM_EncodeEach(benchmark::State& state, std::string spec) {
  const size_t size = state.range(0);
  std::unique_ptr<Framer> owner = Make(spec);
  const FramerT& framer = static_cast<const FramerT&>(*owner);
  const std::string payload = Payload(size, 7);
  const size_t n = FramesPerBatch(size);
  Output wire;
  MakeRoom(wire, n * (size + 64));  // Room for every iteration's frames: no growth in the loop.
  for (auto _ : state) {
    Empty(wire);
    for (size_t i = 0; i < n; ++i) {
      if (!framer.Encode(payload, &wire).ok()) state.SkipWithError("encode failed");
    }
    benchmark::DoNotOptimize(wire.data());
  }
  state.SetBytesProcessed(state.iterations() * n * size);
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}

template <typename FramerT>
void BM_EncodeBatch(benchmark::State& state, std::string spec) {
  const size_t size = state.range(0);
  std::unique_ptr<Framer> owner = Make(spec);
  const FramerT& framer = static_cast<const FramerT&>(*owner);
  const std::string payload = Payload(size, 7);
  const size_t n = FramesPerBatch(size);
  const std::vector<absl::string_view> payloads(n, payload);
  std::string wire;
  wire.reserve(n * (size + 64));
  for (auto _ : state) {
    wire.clear();
    if (!framer.EncodeBatch(payloads, &wire).ok()) state.SkipWithError("encode failed");
    benchmark::DoNotOptimize(wire.data());
  }
  state.SetBytesProcessed(state.iterations() * n * size);
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}

template <typename DecoderT>
size_t DrainFrames(DecoderT& decoder, benchmark::State& state) {
  size_t frames = 0;
  absl::string_view frame;
  Decoder::Result r;
  while ((r = decoder.DecoderT::Next(&frame)) == Decoder::kFrame) {
    benchmark::DoNotOptimize(frame.data());
    ++frames;
  }
  if (r == Decoder::kError) state.SkipWithError(decoder.status().ToString().c_str());
  return frames;
}

// The ready-decode benchmarks' stream: EncodedBatch's frames, their count trimmed to a multiple of
// 64 / gcd(frame size, 64) so that the stream is a whole number of 64-byte lines (see Refill).
struct ReadyStream {
  std::string wire;
  size_t frames = 0;
};

ReadyStream MakeReadyStream(const Framer& framer, size_t payload_size) {
  std::string frame;
  if (!framer.Encode(Payload(payload_size, 42), &frame).ok()) std::abort();
  const size_t step = 64 / std::gcd(frame.size(), size_t{64});
  ReadyStream out;
  out.frames = std::max(step, FramesPerBatch(payload_size) / step * step);
  out.wire.reserve(out.frames * frame.size());
  for (size_t i = 0; i < out.frames; ++i) out.wire += frame;
  return out;
}

// Puts the ready stream back into the decoder that the previous iteration emptied.
//
// Small frames (payload < 4 KiB): a Feed (a copy) with the timer paused, so the stream is as
// warm as just-received bytes are; decoding touches every line of it, and the copy costs less
// than the decode it precedes.
//
// Large frames: decoding touches only the headers, so the untimed 4 MiB copy was up to 40x the
// timed work and ~90% of this binary's wall time. An empty decoder's next byte goes to the offset
// congruent to its stream offset modulo 64 (byte_buffer.h, Placement), which for a stream of whole
// 64-byte lines (MakeReadyStream) is the same offset every time; the buffer never clears its
// storage and decoders only read it. So once copied in, the bytes are found where they were and
// are only committed again. The header lines the timed loop reads are those the previous
// iteration read (<= 1024 lines: in L2), as warm as after the copy.
template <typename DecoderT>
void Refill(benchmark::State& state, DecoderT& decoder, absl::string_view wire, size_t payload_size,
            const char** copied_to) {
  if (payload_size < 4096) {
    state.PauseTiming();
    if (!decoder.Feed(wire).ok()) state.SkipWithError("feed failed");
    state.ResumeTiming();
    return;
  }
  absl::Span<char> dst = decoder.PrepareWrite(wire.size());
  if (dst.data() != *copied_to) {
    std::memcpy(dst.data(), wire.data(), wire.size());
    *copied_to = dst.data();
  }
  decoder.CommitWrite(wire.size());
}

template <typename DecoderT>
void BM_DecodeReady(benchmark::State& state, std::string spec) {
  const size_t size = state.range(0);
  std::unique_ptr<Framer> framer = Make(spec);
  const ReadyStream ready = MakeReadyStream(*framer, size);
  std::unique_ptr<Decoder> owner = framer->NewDecoder();
  DecoderT& decoder = static_cast<DecoderT&>(*owner);
  const char* copied_to = nullptr;
  size_t frames = 0;
  for (auto _ : state) {
    Refill(state, decoder, ready.wire, size, &copied_to);
    frames += DrainFrames(decoder, state);
  }
  if (frames != state.iterations() * ready.frames) state.SkipWithError("frames lost");
  state.SetBytesProcessed(state.iterations() * ready.frames * size);
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

// Ready decode of payloads of N or N + 1 bytes, at random (seeded): a mispredicted branch for
// any guess that the next frame is the size of the last. Fed with the timer paused, as the small
// frames of BM_DecodeReady are.
template <typename DecoderT>
void BM_DecodeReadyMixed(benchmark::State& state, std::string spec) {
  const size_t size = state.range(0);
  std::unique_ptr<Framer> framer = Make(spec);
  const std::string payloads[2] = {Payload(size, 42), Payload(size + 1, 43)};
  std::mt19937 rng(7);
  std::string wire;
  const size_t n = FramesPerBatch(size);
  for (size_t i = 0; i < n; ++i) {
    if (!framer->Encode(payloads[rng() & 1], &wire).ok()) std::abort();
  }
  std::unique_ptr<Decoder> owner = framer->NewDecoder();
  DecoderT& decoder = static_cast<DecoderT&>(*owner);
  size_t frames = 0;
  for (auto _ : state) {
    state.PauseTiming();
    if (!decoder.Feed(wire).ok()) state.SkipWithError("feed failed");
    state.ResumeTiming();
    frames += DrainFrames(decoder, state);
  }
  if (frames != state.iterations() * n) state.SkipWithError("frames lost");
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

// Ready decode through NextBatch(): frames taken 256 at a time.
template <typename DecoderT>
void BM_DecodeReadyBatch(benchmark::State& state, std::string spec) {
  const size_t size = state.range(0);
  std::unique_ptr<Framer> framer = Make(spec);
  const ReadyStream ready = MakeReadyStream(*framer, size);
  std::unique_ptr<Decoder> owner = framer->NewDecoder();
  DecoderT& decoder = static_cast<DecoderT&>(*owner);
  const char* copied_to = nullptr;
  absl::string_view views[256];
  size_t frames = 0;
  for (auto _ : state) {
    Refill(state, decoder, ready.wire, size, &copied_to);
    Decoder::Result r;
    do {
      const size_t got = decoder.DecoderT::NextBatch(absl::MakeSpan(views), &r);
      benchmark::DoNotOptimize(views);
      frames += got;
    } while (r == Decoder::kFrame);
    if (r == Decoder::kError) state.SkipWithError(decoder.status().ToString().c_str());
  }
  if (frames != state.iterations() * ready.frames) state.SkipWithError("frames lost");
  state.SetBytesProcessed(state.iterations() * ready.frames * size);
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

// The baseline's work on `wire`: each 64 KiB chunk memcpy'd into a reused buffer, as a read loop
// with no framing at all would.
void CopyInChunks(absl::string_view wire) {
  alignas(64) static char buffer[kChunk];
  for (size_t off = 0; off < wire.size(); off += kChunk) {
    const size_t n = std::min(kChunk, wire.size() - off);
    std::memcpy(buffer, wire.data() + off, n);
    benchmark::ClobberMemory();
  }
}

// Feeds `wire` to `decoder` as a recv loop would (simulated_reads.h: reads of up to kChunk sized by
// NextReadSize) and takes every frame; returns the frame count.
template <typename DecoderT>
size_t FeedAsReads(absl::string_view wire, DecoderT& decoder, benchmark::State& state) {
  size_t frames = 0;
  FeedInReads(wire, kChunk, decoder, [&](DecoderT& d) {
    frames += DrainFrames(d, state);  // Reports its own errors (SkipWithError).
    return absl::OkStatus();
  }).IgnoreError();
  return frames;
}

// What the read buffer grew to (buffer_KiB) and the bytes moved inside it to make room, per byte
// received (moved/byte; 0 = every byte copied once), after `pass_bytes` fed per iteration.
void SetBufferCounters(benchmark::State& state, const Decoder& decoder, size_t pass_bytes) {
  state.counters["buffer_KiB"] = static_cast<double>(decoder.buffer_capacity()) / 1024;
  state.counters["moved/byte"] =
      static_cast<double>(decoder.buffer_moved_bytes()) /
      static_cast<double>(std::max<size_t>(1, state.iterations() * pass_bytes));
}

// Streamed decode, timed (manual time) on its own, with the memcpy baseline of the very same bytes
// run in the same iteration, the two in alternating order (ABBA). `paired_ratio` is memcpy time /
// decode time over the repetition: a ratio taken in one time window, which machine load moves far
// less than a ratio of two benchmarks run seconds apart.
template <typename DecoderT>
void BM_DecodeStream(benchmark::State& state, std::string spec) {
  using Clock = std::chrono::steady_clock;
  const size_t size = state.range(0);
  std::unique_ptr<Framer> framer = Make(spec);
  const PageAligned wire(EncodedBatch(*framer, size));
  const absl::string_view bytes(wire.data(), wire.size());
  std::unique_ptr<Decoder> owner = framer->NewDecoder();
  DecoderT& decoder = static_cast<DecoderT&>(*owner);
  size_t frames = 0;
  Clock::duration copy_time{}, decode_time{};
  bool copy_first = true;
  for (auto _ : state) {
    Clock::time_point t0 = Clock::now();
    if (copy_first) CopyInChunks(bytes);
    Clock::time_point t1 = Clock::now();
    frames += FeedAsReads(bytes, decoder, state);
    Clock::time_point t2 = Clock::now();
    if (!copy_first) CopyInChunks(bytes);
    Clock::time_point t3 = Clock::now();
    copy_time += (t1 - t0) + (t3 - t2);
    decode_time += t2 - t1;
    state.SetIterationTime(std::chrono::duration<double>(t2 - t1).count());
    copy_first = !copy_first;
  }
  state.SetBytesProcessed(state.iterations() * wire.size());
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  state.counters["paired_ratio"] =
      std::chrono::duration<double>(copy_time).count() /
      std::max(1e-12, std::chrono::duration<double>(decode_time).count());
  SetBufferCounters(state, decoder, wire.size());
}

// Streamed decode of frames of random sizes up to the framer's max (the argument, set as the spec's
// `max`): what the read buffer grows to (buffer_KiB) and what making room in it costs (moved/byte)
// when frames are larger than a read and, for a delimiter, of unknown size until their end.
template <typename DecoderT>
void BM_DecodeStreamLarge(benchmark::State& state, std::string spec) {
  const size_t max = state.range(0);
  std::unique_ptr<Framer> framer =
      Make(absl::StrCat(spec, spec.find(':') == std::string::npos ? ":" : ",", "max=", max));
  std::mt19937 rng(7);
  const std::string payload = Payload(max, 42);
  std::string encoded;
  size_t frames_per_pass = 0;
  for (size_t total = 0; total < 8 * max || frames_per_pass < kMinFrames; ++frames_per_pass) {
    const size_t size = 1 + rng() % max;
    if (!framer->Encode(absl::string_view(payload).substr(0, size), &encoded).ok()) std::abort();
    total += size;
  }
  const PageAligned wire(encoded);
  std::unique_ptr<Decoder> owner = framer->NewDecoder();
  DecoderT& decoder = static_cast<DecoderT&>(*owner);
  size_t frames = 0;
  for (auto _ : state) frames += FeedAsReads(absl::string_view(wire), decoder, state);
  state.SetBytesProcessed(state.iterations() * wire.size());
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  SetBufferCounters(state, decoder, wire.size());
}

// Baseline: the same encoded stream (length:width=4 layout) memcpy'd in 64 KiB chunks into a
// reused buffer, as a read loop with no framing at all would. (BM_DecodeStream also runs this on
// its own stream, interleaved, for its paired_ratio.)
void BM_Memcpy(benchmark::State& state) {
  const size_t size = state.range(0);
  const PageAligned wire(EncodedBatch(*Make("length:width=4"), size));
  for (auto _ : state) CopyInChunks(absl::string_view(wire.data(), wire.size()));
  state.SetBytesProcessed(state.iterations() * wire.size());
}

// Baseline for the delimiter framer: count '\n'-terminated lines in a ready buffer with memchr.
void BM_MemchrLines(benchmark::State& state) {
  const size_t size = state.range(0);
  const std::string wire = EncodedBatch(*Make("delimiter"), size);
  size_t frames = 0;
  for (auto _ : state) {
    const char* p = wire.data();
    const char* end = p + wire.size();
    while (const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p))) {
      benchmark::DoNotOptimize(p);
      ++frames;
      p = nl + 1;
    }
  }
  state.SetBytesProcessed(state.iterations() * FramesPerBatch(size) * size);
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int size : {16, 256, 4096, 65536}) b->Arg(size);
}

template <typename FramerT, typename DecoderT>
void RegisterFramer(const std::string& spec) {
  benchmark::RegisterBenchmark(absl::StrCat("BM_Encode/", spec).c_str(),
                               BM_EncodeEach<FramerT, std::string>, spec)
      ->Apply(Sizes);
  benchmark::RegisterBenchmark(absl::StrCat("BM_EncodeToBuffer/", spec).c_str(),
                               BM_EncodeEach<FramerT, ByteBuffer>, spec)
      ->Apply(Sizes);
  benchmark::RegisterBenchmark(absl::StrCat("BM_EncodeBatch/", spec).c_str(),
                               BM_EncodeBatch<FramerT>, spec)
      ->Apply(Sizes);
  benchmark::RegisterBenchmark(absl::StrCat("BM_DecodeReady/", spec).c_str(),
                               BM_DecodeReady<DecoderT>, spec)
      ->Apply(Sizes);
  benchmark::RegisterBenchmark(absl::StrCat("BM_DecodeReadyBatch/", spec).c_str(),
                               BM_DecodeReadyBatch<DecoderT>, spec)
      ->Apply(Sizes);
  benchmark::RegisterBenchmark(absl::StrCat("BM_DecodeStream/", spec).c_str(),
                               BM_DecodeStream<DecoderT>, spec)
      ->Apply(Sizes)
      ->UseManualTime();
  benchmark::RegisterBenchmark(absl::StrCat("BM_DecodeReadyMixed/", spec).c_str(),
                               BM_DecodeReadyMixed<DecoderT>, spec)
      ->Arg(16)
      ->Arg(4096);
}

BENCHMARK(BM_Memcpy)->Apply(Sizes);
BENCHMARK(BM_MemchrLines)->Apply(Sizes);

// Prints the usual console output, then a summary: per framer and size, frames/s for encode (per
// frame into a string and into a ByteBuffer, and batched) and ready decode, and streamed decode as
// a ratio to memcpy of the same bytes (memchr for delimiter).
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      // The best of the repetitions: on a shared machine load only ever slows a run down, and
      // baselines and framers are judged alike.
      Result& r = results_[run.benchmark_name()];
      auto frames = run.counters.find("frames/s");
      if (frames != run.counters.end()) {
        r.frames_per_second = std::max<double>(r.frames_per_second, frames->second.value);
      }
      auto bytes = run.counters.find("bytes_per_second");
      if (bytes != run.counters.end()) {
        r.bytes_per_second = std::max<double>(r.bytes_per_second, bytes->second.value);
      }
      auto paired = run.counters.find("paired_ratio");
      if (paired != run.counters.end()) r.paired_ratios.push_back(paired->second.value);
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf(
        "\n## Summary (best of the repetitions; ratios against baselines from this run)\n\n");
    std::printf(
        "| framer | payload | encode Mframes/s | encode to ByteBuffer Mframes/s | "
        "batch encode Mframes/s | decode (ready) Mframes/s | batch decode Mframes/s | "
        "streamed decode GB/s | streamed / memcpy (best runs) | "
        "streamed / memcpy (paired, median) | decode / memchr split |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const std::string& spec : specs_) {
      for (int size : {16, 256, 4096, 65536}) {
        const std::string s = spec == "fixed" ? absl::StrCat("fixed:size=", size) : spec;
        const Result enc = Get(absl::StrCat("BM_Encode/", s, "/", size));
        const Result to_buffer = Get(absl::StrCat("BM_EncodeToBuffer/", s, "/", size));
        const Result batch = Get(absl::StrCat("BM_EncodeBatch/", s, "/", size));
        const Result ready = Get(absl::StrCat("BM_DecodeReady/", s, "/", size));
        const Result ready_batch = Get(absl::StrCat("BM_DecodeReadyBatch/", s, "/", size));
        const Result stream = Get(absl::StrCat("BM_DecodeStream/", s, "/", size, "/manual_time"));
        const Result memcpy_base = Get(absl::StrCat("BM_Memcpy/", size));
        const Result memchr_base = Get(absl::StrCat("BM_MemchrLines/", size));
        if (stream.bytes_per_second == 0) continue;
        std::string memchr_ratio = "";
        if (spec == "delimiter" && memchr_base.frames_per_second > 0) {
          memchr_ratio = absl::StrFormat(
              "%.2fx", std::max(ready.frames_per_second, ready_batch.frames_per_second) /
                           memchr_base.frames_per_second);
        }
        std::printf("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2fx | %.2fx | %s |\n",
                    s.c_str(), size, enc.frames_per_second / 1e6, to_buffer.frames_per_second / 1e6,
                    batch.frames_per_second / 1e6, ready.frames_per_second / 1e6,
                    ready_batch.frames_per_second / 1e6, stream.bytes_per_second / 1e9,
                    memcpy_base.bytes_per_second > 0
                        ? stream.bytes_per_second / memcpy_base.bytes_per_second
                        : 0.0,
                    Median(stream.paired_ratios), memchr_ratio.c_str());
      }
    }
    // Ready decode of one-size streams against streams of two sizes at random: what a decoder's
    // bet on repeated frame sizes (the ascii header cache) gains and costs.
    std::printf(
        "\nReady decode, one size against two sizes at random (N or N + 1), "
        "M frames/s. At 4 KiB the one-size stream is re-committed in place (headers "
        "warm in L2, see Refill) and the two-size one fed whole (colder): compare "
        "framers within a column there.\n\n");
    std::printf(
        "| framer | 16 B: one size | 16 B: two sizes | 4 KiB: one size | 4 KiB: two sizes |\n");
    std::printf("|---|---:|---:|---:|---:|\n");
    for (const std::string& spec : specs_) {
      if (spec == "fixed") continue;
      double v[4];
      int k = 0;
      for (int size : {16, 4096}) {
        v[k++] = Get(absl::StrCat("BM_DecodeReady/", spec, "/", size)).frames_per_second / 1e6;
        v[k++] = Get(absl::StrCat("BM_DecodeReadyMixed/", spec, "/", size)).frames_per_second / 1e6;
      }
      if (v[1] == 0 && v[3] == 0) continue;
      std::printf("| %s | %.1f | %.1f | %.1f | %.1f |\n", spec.c_str(), v[0], v[1], v[2], v[3]);
    }
    // A delimiter decoder cannot find a frame's end without reading every byte after the read
    // has copied it in: its streamed decode costs at least a copy plus a scan. With both measured
    // here, that bound is copy time / (copy time + scan time).
    std::printf(
        "\nDelimiter, streamed: the bound for any decoder that scans after the copy, "
        "memcpy / (memcpy + memchr split) of the same bytes, against what it reaches:\n\n");
    std::printf(
        "| payload | memcpy GB/s | memchr split GB/s | bound | streamed / memcpy (paired) |\n");
    std::printf("|---:|---:|---:|---:|---:|\n");
    for (int size : {4096, 65536}) {
      const Result copy = Get(absl::StrCat("BM_Memcpy/", size));
      const Result scan = Get(absl::StrCat("BM_MemchrLines/", size));
      const Result stream = Get(absl::StrCat("BM_DecodeStream/delimiter/", size, "/manual_time"));
      if (copy.bytes_per_second == 0 || scan.bytes_per_second == 0) continue;
      std::printf("| %d | %.1f | %.1f | %.2fx | %.2fx |\n", size, copy.bytes_per_second / 1e9,
                  scan.bytes_per_second / 1e9,
                  1 / (1 + copy.bytes_per_second / scan.bytes_per_second),
                  Median(stream.paired_ratios));
    }
    std::fflush(stdout);
  }

  void AddSpec(std::string spec) { specs_.push_back(std::move(spec)); }

 private:
  struct Result {
    double frames_per_second = 0;
    double bytes_per_second = 0;
    std::vector<double> paired_ratios;  // One per repetition (BM_DecodeStream).
  };
  static double Median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
  // Console names of registered benchmarks with an Arg() carry "/N"; the ones from
  // RegisterFramer(...)->Apply() do too.
  Result Get(const std::string& name) const {
    auto it = results_.find(name);
    return it == results_.end() ? Result() : it->second;
  }

  std::map<std::string, Result> results_;
  std::vector<std::string> specs_;
};

}  // namespace
}  // namespace framekit

int main(int argc, char** argv) {
  using namespace framekit;  // NOLINT
  // The fixed framer's size varies with the payload: register one per size.
  RegisterFramer<LengthHeaderFramer, LengthHeaderDecoder>("length:width=4");
  RegisterFramer<LengthHeaderFramer, LengthHeaderDecoder>("length:width=varint");
  RegisterFramer<DelimiterFramer, DelimiterDecoder>("delimiter");
  RegisterFramer<AsciiLengthFramer, AsciiLengthDecoder>("ascii:digits=5");
  RegisterFramer<NetstringFramer, NetstringDecoder>("netstring");
  for (int max : {256 << 10, 1 << 20, 4 << 20}) {
    benchmark::RegisterBenchmark("BM_DecodeStreamLarge/delimiter",
                                 BM_DecodeStreamLarge<DelimiterDecoder>, "delimiter")
        ->Arg(max);
    benchmark::RegisterBenchmark("BM_DecodeStreamLarge/length:width=4",
                                 BM_DecodeStreamLarge<LengthHeaderDecoder>, "length:width=4")
        ->Arg(max);
  }
  for (int size : {16, 256, 4096, 65536}) {
    const std::string spec = absl::StrCat("fixed:size=", size);
    benchmark::RegisterBenchmark(absl::StrCat("BM_Encode/", spec).c_str(),
                                 BM_EncodeEach<FixedLengthFramer, std::string>, spec)
        ->Arg(size);
    benchmark::RegisterBenchmark(absl::StrCat("BM_EncodeToBuffer/", spec).c_str(),
                                 BM_EncodeEach<FixedLengthFramer, ByteBuffer>, spec)
        ->Arg(size);
    benchmark::RegisterBenchmark(absl::StrCat("BM_EncodeBatch/", spec).c_str(),
                                 BM_EncodeBatch<FixedLengthFramer>, spec)
        ->Arg(size);
    benchmark::RegisterBenchmark(absl::StrCat("BM_DecodeReady/", spec).c_str(),
                                 BM_DecodeReady<FixedLengthDecoder>, spec)
        ->Arg(size);
    benchmark::RegisterBenchmark(absl::StrCat("BM_DecodeReadyBatch/", spec).c_str(),
                                 BM_DecodeReadyBatch<FixedLengthDecoder>, spec)
        ->Arg(size);
    benchmark::RegisterBenchmark(absl::StrCat("BM_DecodeStream/", spec).c_str(),
                                 BM_DecodeStream<FixedLengthDecoder>, spec)
        ->Arg(size)
        ->UseManualTime();
  }
  // Defaults for a shared, noisy machine (each overridable): three repetitions of everything in
  // random order, so baselines and framers see the same load; the summary takes each one's best.
  std::vector<char*> args(argv, argv + argc);
  std::vector<std::string> defaults;
  for (const char* flag : {"benchmark_repetitions=3", "benchmark_enable_random_interleaving=true",
                           "benchmark_min_time=0.2"}) {
    const absl::string_view name = absl::string_view(flag).substr(0, std::strchr(flag, '=') - flag);
    bool given = false;
    for (int i = 1; i < argc; ++i) given |= absl::StartsWith(argv[i], absl::StrCat("--", name));
    if (!given) defaults.push_back(absl::StrCat("--", flag));
  }
  for (std::string& d : defaults) args.push_back(d.data());
  argc = static_cast<int>(args.size());
  args.push_back(nullptr);
  argv = args.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  for (const char* spec : {"length:width=4", "length:width=varint", "delimiter", "ascii:digits=5",
                           "netstring", "fixed"}) {
    reporter.AddSpec(spec);
  }
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

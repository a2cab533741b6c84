// Decompression bombs: small inputs (at most 1 KiB) that claim, or expand to, far more than max.
// Each is refused with ResourceExhausted, and a counting global operator new -- which the
// compression libraries allocate through too (transforms/internal/transform_support.h) -- proves
// nothing was allocated for what the bomb claims: no single allocation reaches max, and refusing a
// claimed size allocates (almost) nothing at all.
#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "framekit/codecs/codec.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"
#include "framekit/transforms/transformed_codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

std::atomic<int64_t> g_live{0};    // Bytes allocated through operator new and not freed.
std::atomic<int64_t> g_peak{0};    // Highest g_live since the last Reset().
std::atomic<size_t> g_largest{0};  // Largest single request since the last Reset().

void* Allocate(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) return nullptr;
  const int64_t live = g_live += static_cast<int64_t>(malloc_usable_size(p));
  int64_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  size_t largest = g_largest.load();
  while (n > largest && !g_largest.compare_exchange_weak(largest, n)) {
  }
  return p;
}

void Free(void* p) {
  if (p == nullptr) return;
  g_live -= static_cast<int64_t>(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

void* operator new(size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
void operator delete(void* p) noexcept { Free(p); }
void operator delete[](void* p) noexcept { Free(p); }
void operator delete(void* p, size_t) noexcept { Free(p); }
void operator delete[](void* p, size_t) noexcept { Free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Free(p); }

namespace framekit {
namespace {

using ::testing::HasSubstr;

constexpr size_t kMax = size_t{1} << 20;  // max=1MiB
constexpr uint64_t kFourGiB = uint64_t{1} << 32;

// What one Decompress call allocated: the largest single allocation and the peak of live bytes
// above what was live before it.
struct Cost {
  absl::Status status;
  size_t largest;
  int64_t peak;
};

template <typename F>
Cost Measure(F call) {
  const int64_t base = g_live.load();
  g_peak = base;
  g_largest = 0;
  absl::Status s = call();
  Cost cost = {s, g_largest.load(), g_peak.load() - base};
  std::printf("  status: %s\n  largest single allocation: %zu bytes, peak: %lld bytes\n",
              s.ToString().c_str(), cost.largest, static_cast<long long>(cost.peak));
  return cost;
}

Cost Decompress(const std::string& spec, const std::string& bomb) {
  absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform(spec);
  EXPECT_TRUE(t.ok()) << t.status();
  std::string out;
  // Warm the thread's reusable contexts (zstd) so that they are not counted against the bomb.
  std::string warm;
  (void)(*t)->Compress("warm", &warm);
  (void)(*t)->Decompress(warm, &out);
  out.clear();
  out.shrink_to_fit();
  std::printf("%s, %zu-byte bomb:\n", spec.c_str(), bomb.size());
  Cost cost = Measure([&] { return (*t)->Decompress(bomb, &out); });
  EXPECT_TRUE(out.empty());
  return cost;
}

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// zstd RLE blocks of 128 KiB of 'a', 4 bytes each: the densest expansion the format allows.
void AppendRleBlocks(size_t count, std::string* out) {
  for (size_t i = 0; i < count; ++i) {
    const uint32_t header = (uint32_t{128} << 10 << 3) | (1 << 1) | (i + 1 == count ? 1 : 0);
    out->push_back(static_cast<char>(header & 0xff));
    out->push_back(static_cast<char>((header >> 8) & 0xff));
    out->push_back(static_cast<char>((header >> 16) & 0xff));
    out->push_back('a');
  }
}

// A zstd frame whose header claims 4 GiB (8-byte content size, single segment), then RLE blocks.
std::string ZstdClaimingFourGiB() {
  std::string b("\x28\xb5\x2f\xfd\xe0", 5);
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>((kFourGiB >> (8 * i)) & 0xff));
  AppendRleBlocks((1024 - b.size()) / 4, &b);
  return b;
}

// A zstd frame with no content size and a 128 KiB window, expanding to 31.75 MiB.
std::string ZstdExpandingWithoutASize() {
  std::string b("\x28\xb5\x2f\xfd\x00\x38", 6);  // No size; window 2^(10+7).
  AppendRleBlocks((1024 - b.size()) / 4, &b);
  return b;
}

TEST(DecompressionBomb, ZstdFrameClaimingFourGiBIsRefusedWithoutAllocating) {
  const std::string bomb = ZstdClaimingFourGiB();
  ASSERT_LE(bomb.size(), 1024u);
  Cost cost = Decompress("zstd:max=1MiB", bomb);
  EXPECT_EQ(cost.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(cost.status.message()),
              HasSubstr("claims 4294967296 bytes, over max=1MiB"));
  EXPECT_LT(cost.largest, kMax);
  EXPECT_LT(cost.peak, 4096);  // Refused from the header: nothing allocated for the claim.
}

TEST(DecompressionBomb, ZstdFrameWithoutASizeStopsAtMax) {
  const std::string bomb = ZstdExpandingWithoutASize();
  ASSERT_LE(bomb.size(), 1024u);
  Cost cost = Decompress("zstd:max=1MiB", bomb);
  EXPECT_EQ(cost.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(cost.status.message()), HasSubstr("exceeds max=1MiB"));
  EXPECT_LT(cost.largest, kMax);
  // At most max bytes of output chunks plus the decoder's window buffers (which stay below max).
  EXPECT_LT(cost.peak, static_cast<int64_t>(2 * kMax));
}

TEST(DecompressionBomb, Lz4BlockClaimingFourGiBIsRefusedWithoutAllocating) {
  std::string bomb;
  AppendVarint(kFourGiB, &bomb);
  bomb.append(1024 - bomb.size(), '\x1f');
  Cost cost = Decompress("lz4:max=1MiB", bomb);
  EXPECT_EQ(cost.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(cost.status.message()),
              HasSubstr("claims 4294967296 bytes, over max=1MiB"));
  EXPECT_LT(cost.largest, kMax);
  EXPECT_LT(cost.peak, 4096);
}

TEST(DecompressionBomb, SnappyClaimingFourGiBIsRefusedWithoutAllocating) {
  std::string bomb;
  AppendVarint(UINT32_MAX, &bomb);  // The most a snappy length can say: 4 GiB - 1.
  bomb.append(1024 - bomb.size(), '\x00');
  Cost cost = Decompress("snappy:max=1MiB", bomb);
  EXPECT_EQ(cost.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(cost.status.message()),
              HasSubstr("claims 4294967295 bytes, over max=1MiB"));
  EXPECT_LT(cost.largest, kMax);
  EXPECT_LT(cost.peak, 4096);
}

// DEFLATE records no size and expands at most about 1032:1, so 1 KiB cannot reach 4 GiB; it
// expands to about 1 MiB here, four times max.
TEST(DecompressionBomb, DeflateStreamExpandingPastMaxStopsAtMax) {
  absl::StatusOr<std::unique_ptr<Transform>> packer = MakeTransform("deflate:level=9");
  ASSERT_TRUE(packer.ok());
  std::string bomb;
  ASSERT_TRUE((*packer)->Compress(std::string(1 << 20, '\0'), &bomb).ok());
  ASSERT_LE(bomb.size(), 1100u);
  constexpr size_t kSmallMax = 256 << 10;
  Cost cost = Decompress("deflate:max=256KiB", bomb);
  EXPECT_EQ(cost.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(cost.status.message()), HasSubstr("exceeds max=256KiB"));
  EXPECT_LT(cost.largest, kSmallMax);
  // The output chunks (at most max) plus zlib's state and 32 KiB window.
  EXPECT_LT(cost.peak, static_cast<int64_t>(kSmallMax + (64 << 10)));
}

// The "done when": a 1 KiB input claiming 4 GiB, through the codec composition the
// benchmark uses, refused with nothing allocated above max.
TEST(DecompressionBomb, TransformedCodecRefusesTheFourGiBClaim) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("varint|zstd:max=1MiB");
  ASSERT_TRUE(codec.ok()) << codec.status();
  const std::string bomb = ZstdClaimingFourGiB();
  std::vector<uint64_t> values;
  std::printf("varint|zstd:max=1MiB, %zu-byte bomb:\n", bomb.size());
  Cost cost = Measure([&] { return (*codec)->DecodeUnsigned(bomb, &values); });
  EXPECT_EQ(cost.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(cost.status.message()), HasSubstr("stage 2 of 2 (zstd)"));
  EXPECT_LT(cost.largest, kMax);
  EXPECT_LT(cost.peak, 4096);
  EXPECT_TRUE(values.empty());
}

// The counter itself: a test that could not fail would prove nothing.
TEST(DecompressionBomb, CounterSeesALargeAllocation) {
  Cost cost = Measure([] {
    std::string big(2 * kMax, 'x');
    return big.size() == 2 * kMax ? absl::OkStatus() : absl::InternalError("?");
  });
  EXPECT_GE(cost.largest, 2 * kMax);
  EXPECT_GE(cost.peak, static_cast<int64_t>(2 * kMax));
}

}  // namespace
}  // namespace framekit

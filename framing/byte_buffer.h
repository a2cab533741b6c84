// framekit/framing/byte_buffer.h
//
// ByteBuffer holds the bytes a decoder has received but not yet consumed: one contiguous region, so
// a complete frame can always be handed out as a view, never copied. It is also an output buffer:
// Framer::Encode(payload, &buffer) appends a frame after the pending bytes (Prepare / Commit, no
// library call or zero fill to grow, unlike a std::string), and a sender writes view() and
// Consume()s what the socket took.
//
//   [0, begin)        consumed; reusable
//   [begin, end)      pending: received, not yet part of a delivered frame
//   [end, capacity)   free: where the next read lands (Prepare / Commit)
//
// Growth is driven only by bytes that actually arrived (Prepare), never by a length announced in a
// header, so a hostile header cannot make the buffer allocate. Pending bytes are moved to the front
// only when the free tail is too small and they are few: at most 1/8 of the capacity, or, once
// the buffer holds 1 MiB, with the next read at most half of it; otherwise the buffer grows, so a
// stream of large frames is not copied twice. The capacity thus stays within
// max(4 KiB, min(16 P, 1 MiB), 4 P), P the most ever pending plus the largest Prepare: for a
// decoder, within max(1 MiB, 4 x (max frame + read)).
//
// Placement: the byte at stream offset s (counting every byte ever committed) sits at an address
// congruent to s modulo 64, unless keeping that would have taken a larger allocation. A read that
// copies from a source laid out by stream offset (a page-aligned receive area, a mapped file, a
// stream held in memory) is then a mutually aligned copy, whatever the frame sizes that decided
// where the previous read stopped. A copy whose source and destination disagree modulo 64 is
// slower, and one whose destination lies 1-31 bytes past its source modulo 4096 falls off glibc's
// `rep movsb` cliff (internal/copy.h; figures in benchmarks/RESULTS.md); wherever placement holds,
// a read from such a source and a compaction are both copies between addresses congruent modulo
// 64, never that case.
//
// Example (a read loop):
//   char* dst = buffer.Prepare(64 * 1024);
//   ssize_t n = read(fd, dst, 64 * 1024);
//   if (n > 0) buffer.Commit(n);
#ifndef FRAMEKIT_FRAMING_BYTE_BUFFER_H_
#define FRAMEKIT_FRAMING_BYTE_BUFFER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "absl/strings/string_view.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  // A moved-from buffer is empty, with no storage, and usable.
  ByteBuffer(ByteBuffer&& other) noexcept { *this = std::move(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    storage_ = std::move(other.storage_);
    base_ = std::exchange(other.base_, nullptr);
    borrowed_ = std::exchange(other.borrowed_, false);
    owned_capacity_ = std::exchange(other.owned_capacity_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    begin_ = std::exchange(other.begin_, 0);
    end_ = std::exchange(other.end_, 0);
    moved_ = std::exchange(other.moved_, 0);
    skew_ = std::exchange(other.skew_, 0);
    last_emptying_consume_ = std::exchange(other.last_emptying_consume_, 0);
    committed_since_empty_ = std::exchange(other.committed_since_empty_, 0);
    last_run_ = std::exchange(other.last_run_, 0);
    peak_since_empty_ = std::exchange(other.peak_since_empty_, 0);
    last_peak_ = std::exchange(other.last_peak_, 0);
    return *this;
  }

  const char* data() const { return base_ + begin_; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return capacity_; }
  // Free bytes after the pending ones (what Prepare can hand out without moving anything).
  size_t writable() const { return capacity_ - end_; }
  absl::string_view view() const { return absl::string_view(data(), size()); }
  // Pending bytes copied so far to make room (compacted to the front, or into a larger
  // allocation): the cost of buffering beyond the one copy a read makes.
  uint64_t moved_bytes() const { return moved_; }

  // Returns a pointer to at least `n` writable bytes after the pending ones. Invalidates every
  // pointer and view into the buffer.
  char* Prepare(size_t n) {
    if (capacity_ - end_ < n) MakeRoom(n);  // always while borrowing (no free bytes then)
    return base_ + end_;
  }
  // Marks `n` bytes written at Prepare()'s pointer as pending. `n` <= the size passed to Prepare.
  void Commit(size_t n) {
    end_ += n;
    committed_since_empty_ += n;  // per read, not per frame: see last_run()
    peak_since_empty_ = std::max(peak_since_empty_, end_ - begin_);
  }

  // Appends a copy of `bytes`.
  void Append(absl::string_view bytes) {
    if (bytes.empty()) return;
    framing_internal::CopyLarge(Prepare(bytes.size()), bytes.data(), bytes.size());
    Commit(bytes.size());
  }

  // Drops the first `n` pending bytes (n <= size()). Views stay valid until the next Prepare.
  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) {  // Empty: the next read starts near the front, for free.
      last_emptying_consume_ = n;
      last_run_ = committed_since_empty_;  // all consumed now
      committed_since_empty_ = 0;
      last_peak_ = peak_since_empty_;
      peak_since_empty_ = 0;
      Reset();
    }
  }
  // The `n` of the Consume that last emptied the buffer -- for a decoder, the size of the last
  // frame of the previous read -- or 0 if the buffer is not empty or was emptied otherwise.
  size_t last_emptying_consume() const { return empty() ? last_emptying_consume_ : 0; }
  // The bytes Consumed between the buffer's last two empty states -- for a decoder, the frames
  // the reads since it was last empty held -- or 0 if it is not empty or was emptied otherwise.
  size_t last_run() const { return empty() ? last_run_ : 0; }

  // Drops every pending byte (the stream goes on after them); keeps the allocation.
  void Clear() {
    last_emptying_consume_ = 0;
    committed_since_empty_ = 0;
    last_run_ = 0;
    peak_since_empty_ = last_peak_ = 0;
    Reset();
  }

  // Borrowing: the pending bytes become `bytes`, read in place, not copied (an empty buffer only;
  // the caller keeps `bytes` alive and unchanged until Unborrow). Views handed out point into
  // `bytes`. Consuming every byte, or any Prepare/Append, ends the borrowing by itself; Unborrow
  // ends it at once, copying the bytes still pending (a partial frame) into the buffer's own
  // storage, and returns how many it copied.
  void Borrow(absl::string_view bytes) {
    const size_t phase = PhaseOf(end_);  // of the stream offset the borrowed bytes start at
    owned_capacity_ = capacity_;
    borrowed_ = true;
    base_ = const_cast<char*>(bytes.data());  // never written through while borrowed
    begin_ = 0;
    end_ = capacity_ = bytes.size();
    committed_since_empty_ += bytes.size();
    skew_ = phase;  // PhaseOf(0) == phase
  }
  size_t Unborrow();
  bool borrowed() const { return borrowed_; }

  // Frees the allocation if no byte is pending and it is larger than `max_kept` bytes; the next
  // Prepare allocates what it asks for. Placement carries over (the next byte still goes to its
  // stream offset's phase). Returns whether it freed. Invalidates every pointer and view.
  bool TrimIfEmpty(size_t max_kept) {
    if (!empty() || capacity_ <= max_kept) return false;
    const size_t phase = PhaseOf(end_);
    storage_.reset();
    base_ = nullptr;
    capacity_ = 0;
    begin_ = end_ = 0;
    skew_ = phase;  // PhaseOf(0) == phase: MakeRoom places the next byte there.
    return true;
  }
  // TrimIfEmpty(max_kept), unless the last run -- the reads between the buffer's last two empty
  // states -- held more than `max_kept` (> 0) bytes at once: a stream of large frames keeps the
  // buffer they need, and the first run that fits in `max_kept` frees it. Freeing and allocating
  // megabytes per frame costs more than the frame's copy (the allocator hands them back to the
  // kernel; the next read faults them in again). 0 frees whenever empty, as TrimIfEmpty(0).
  bool TrimIfOutgrown(size_t max_kept) {
    return (max_kept == 0 || last_peak_ <= max_kept) && TrimIfEmpty(max_kept);
  }

 private:
  void MakeRoom(size_t n);
  // Where `pending` bytes whose first belongs at `phase` go, with `n` more after them, in
  // `capacity` bytes: at `phase`, or at the front if that would not fit (placement never costs
  // memory).
  static size_t ShiftFor(size_t phase, size_t pending, size_t n, size_t capacity) {
    return phase + pending + n <= capacity ? phase : 0;
  }
  // After a move: the `pending` bytes now start at `shift`; the first belongs at `phase`.
  void Place(size_t shift, size_t phase, size_t pending);

  // Below this capacity a buffer grows rather than move more than 1/8 of it; from it on, only
  // when the pending bytes and the read would fill over half (MakeRoom).
  static constexpr size_t kGrowFreelyBelow = size_t{1} << 20;

  // The placement modulus (a cache line). The byte at storage offset p has stream offset
  // p + skew_ modulo kAlign; skew_ is 0 except after a compaction that had to give up placement.
  static constexpr size_t kAlign = 64;

  // Where the byte at storage offset `pos` belongs: its stream offset modulo kAlign.
  size_t PhaseOf(size_t pos) const { return (pos + skew_) % kAlign; }
  // Empties the buffer, the next byte placed at its stream offset's phase (skew_ back to 0);
  // borrowed bytes all consumed, back to the buffer's own storage.
  void Reset() {
    if (borrowed_) {
      Unborrow();
      return;
    }
    begin_ = end_ = PhaseOf(end_);
    skew_ = 0;
  }

  // Cache-line aligned storage (aligned new), so that aligned offsets are aligned addresses.
  struct AlignedDelete {
    void operator()(char* p) const { ::operator delete[](p, std::align_val_t{kAlign}); }
  };
  std::unique_ptr<char[], AlignedDelete> storage_;
  char* base_ = nullptr;  // storage_.get(), or the borrowed bytes
  bool borrowed_ = false;
  size_t owned_capacity_ =
      0;  // storage_'s capacity while borrowing (capacity_ is the borrowed size)
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
  uint64_t moved_ = 0;
  size_t skew_ = 0;
  size_t last_emptying_consume_ = 0;
  size_t committed_since_empty_ = 0;  // == consumed since then, once it is empty again
  size_t last_run_ = 0;
  size_t peak_since_empty_ = 0;  // most bytes pending in owned storage since it was last empty
  size_t last_peak_ = 0;         // peak_since_empty_ of the last run, once it is empty again
};

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_BYTE_BUFFER_H_

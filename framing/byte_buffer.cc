#include "framekit/framing/byte_buffer.h"

#include <algorithm>

namespace framekit {

size_t ByteBuffer::Unborrow() {
  if (!borrowed_) return 0;
  const size_t pending = size();
  const size_t phase = PhaseOf(begin_);
  const char* src = base_ + begin_;
  borrowed_ = false;
  base_ = storage_.get();
  capacity_ = owned_capacity_;
  if (pending == 0) {
    if (phase <= capacity_) {
      begin_ = end_ = phase;
      skew_ = 0;
    } else {  // no storage: as TrimIfEmpty leaves it, the phase kept in skew_
      begin_ = end_ = 0;
      skew_ = phase;
    }
    return 0;
  }
  if (phase + pending > capacity_) {
    size_t new_capacity = std::max<size_t>(capacity_ * 2, 4096);
    while (new_capacity < phase + pending) new_capacity *= 2;
    storage_.reset(static_cast<char*>(::operator new[](new_capacity, std::align_val_t{kAlign})));
    base_ = storage_.get();
    capacity_ = new_capacity;
  }
  framing_internal::CopyLarge(base_ + phase, src, pending);
  Place(phase, phase, pending);
  peak_since_empty_ = std::max(peak_since_empty_, pending);
  return pending;
}

void ByteBuffer::MakeRoom(size_t n) {
  if (borrowed_) {
    Unborrow();  // the pending bytes (if any) now in owned storage
    if (capacity_ - end_ >= n) return;
  }
  const size_t pending = size();
  moved_ += pending;
  // Keep each byte's offset congruent to its stream offset (Placement, in the header), so that the
  // next read's destination agrees with a stream-laid-out source modulo 64.
  const size_t phase = PhaseOf(begin_);
  // Compacting moves `pending` bytes and frees capacity - pending for new input. When the pending
  // bytes are at most 1/8 of the capacity that is cheap (< 1/7 of a byte moved per byte
  // received). Otherwise a small buffer grows, so a stream of frames as large as the reads (64 KiB
  // frames in 64 KiB reads) is not copied twice; but from kGrowFreelyBelow on, growing is only
  // for pending + n over half the capacity (compacting then moves under a byte per byte freed).
  // That bounds the capacity by max(kGrowFreelyBelow, 4 x (pending + n)), where the 1/8 rule
  // alone let a delimiter stream's partial frames grow it to 16x (byte_buffer.h).
  const bool few_pending = pending <= capacity_ / 8;
  const bool fits_half_of_large = capacity_ >= kGrowFreelyBelow && 2 * (pending + n) <= capacity_;
  if (pending + n <= capacity_ && (few_pending || fits_half_of_large)) {
    const size_t shift = ShiftFor(phase, pending, n, capacity_);
    std::memmove(base_ + shift, base_ + begin_, pending);
    Place(shift, phase, pending);
    return;
  }
  size_t new_capacity = std::max<size_t>(capacity_ * 2, 4096);
  while (new_capacity < pending + n) new_capacity *= 2;
  const size_t shift = ShiftFor(phase, pending, n, new_capacity);  // Never grown for placement.
  // Uninitialised on purpose; 64-byte aligned so that offsets congruent modulo 64 are addresses
  // congruent modulo 64 (plain new[] gives 16).
  std::unique_ptr<char[], AlignedDelete> grown(
      static_cast<char*>(::operator new[](new_capacity, std::align_val_t{kAlign})));
  // CopyLarge: where placement had to be given up, the two may disagree modulo 64.
  if (pending > 0) {
    framing_internal::CopyLarge(grown.get() + shift, base_ + begin_, pending);
  }
  storage_ = std::move(grown);
  base_ = storage_.get();
  capacity_ = new_capacity;
  Place(shift, phase, pending);
}

void ByteBuffer::Place(size_t shift, size_t phase, size_t pending) {
  begin_ = shift;
  end_ = shift + pending;
  skew_ = (phase + kAlign - shift) % kAlign;
}

}  // namespace framekit

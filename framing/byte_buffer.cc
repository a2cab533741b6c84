#include "framekit/framing/byte_buffer.h"

#include <algorithm>

namespace framekit {

void ByteBuffer::MakeRoom(size_t n) {
  const size_t pending = size();
  moved_ += pending;
  // The pending bytes are placed so that they end on a 64-byte boundary: the next read (recv, or
  // a memcpy standing in for it) then writes to a cache-line-aligned address, as it would into an
  // empty buffer. Unaligned, every 64 KiB read copies measurably slower.
  const size_t shift = (kAlign - pending % kAlign) % kAlign;
  // Compacting moves `pending` bytes and frees capacity - pending for new input. Only when the
  // pending bytes are at most 1/8 of the capacity is that cheap (< 1/7 of a byte moved per byte
  // received); otherwise grow, so a stream of frames as large as the reads (64 KiB frames in
  // 64 KiB reads) is not copied twice. Capacity thus stays within ~16x (largest frame + read).
  if (shift + pending + n <= capacity_ && pending <= capacity_ / 8) {
    std::memmove(storage_.get() + shift, storage_.get() + begin_, pending);
    begin_ = shift;
    end_ = shift + pending;
    return;
  }
  size_t new_capacity = std::max<size_t>(capacity_ * 2, 4096);
  while (new_capacity < shift + pending + n) new_capacity *= 2;
  // Uninitialised on purpose; 64-byte aligned so that `shift` aligns the address, not just the
  // offset (plain new[] gives 16).
  std::unique_ptr<char[], AlignedDelete> grown(
      static_cast<char*>(::operator new[](new_capacity, std::align_val_t{kAlign})));
  if (pending > 0) std::memcpy(grown.get() + shift, storage_.get() + begin_, pending);
  storage_ = std::move(grown);
  capacity_ = new_capacity;
  begin_ = shift;
  end_ = shift + pending;
}

}  // namespace framekit

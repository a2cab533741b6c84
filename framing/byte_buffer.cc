#include "framekit/framing/byte_buffer.h"

#include <algorithm>

namespace framekit {

void ByteBuffer::MakeRoom(size_t n) {
  const size_t pending = size();
  // Compacting moves `pending` bytes and frees capacity - pending for new input. Only when the
  // pending bytes are at most 1/8 of the capacity is that cheap (< 1/7 of a byte moved per byte
  // received); otherwise grow, so a stream of frames as large as the reads (64 KiB frames in
  // 64 KiB reads) is not copied twice. Capacity thus stays within ~16x (largest frame + read).
  if (pending + n <= capacity_ && pending <= capacity_ / 8) {
    std::memmove(storage_.get(), storage_.get() + begin_, pending);
    begin_ = 0;
    end_ = pending;
    return;
  }
  size_t new_capacity = std::max<size_t>(capacity_ * 2, 4096);
  while (new_capacity < pending + n) new_capacity *= 2;
  std::unique_ptr<char[]> grown(new char[new_capacity]);  // Uninitialised on purpose.
  if (pending > 0) std::memcpy(grown.get(), storage_.get() + begin_, pending);
  storage_ = std::move(grown);
  capacity_ = new_capacity;
  begin_ = 0;
  end_ = pending;
}

}  // namespace framekit

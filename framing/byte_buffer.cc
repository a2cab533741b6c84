#include "framekit/framing/byte_buffer.h"

#include <algorithm>

namespace framekit {

void ByteBuffer::MakeRoom(size_t n) {
  const size_t pending = size();
  // Compacting moves `pending` bytes; do it when they fit with room to spare, so that the cost is
  // paid at most once per half-buffer of input rather than on every read.
  if (pending + n <= capacity_ && pending <= capacity_ / 2) {
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

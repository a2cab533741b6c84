// framekit/framing/byte_buffer.h
//
// ByteBuffer holds the bytes a decoder has received but not yet consumed: one contiguous region, so a
// complete frame can always be handed out as a view, never copied.
//
//   [begin, end)      pending: received, not yet part of a delivered frame
//   [end, ...)        free: where the next read lands (Prepare / Commit); writable() bytes
//
// Growth is driven only by bytes that actually arrived (Prepare), never by a length announced in a
// header, so a hostile header cannot make the buffer allocate.
//
// Two layouts, chosen by size:
//
//   * Linear (small buffers, small partial frames, and wherever mirroring is unavailable): a heap
//     array.
//     Pending bytes are moved to the front only when the free tail is too small and they are few
//     (<= 1/8 of the capacity); otherwise the buffer grows, so large frames are not copied twice.
//
//   * Mirrored ring (Linux, from kMirrorMinCapacity up, once a partial frame holds more than 1/8 of
//     the buffer, so that compacting would be costly): the same physical pages mapped twice,
//     back to back, so the pending bytes are contiguous even when they wrap past the end:
//
//        virtual:  [ page 0 .. page k-1 ][ page 0 .. page k-1 ]   (2 x capacity of address space)
//                          ^begin            ^end                  (begin < capacity always)
//
//     Nothing is ever moved: a byte is written once (by recv) and read in place. This matters for
//     frames as large as the reads (64 KiB frames in 64 KiB reads): a linear buffer either moves
//     each partial frame to the front or grows past the cache, and both cost a large share of a
//     memcpy. The ring stays at about (largest frame + largest read), rounded up to a power of two.
//     Mapping costs a few system calls when the buffer reaches that size (once per decoder); the
//     descriptor used to map it is closed at once. The mapping is not inherited by fork()ed
//     children (MADV_DONTFORK): a child process must not use a decoder its parent created.
//
// Example (a read loop):
//   char* dst = buffer.Prepare(64 * 1024);
//   ssize_t n = read(fd, dst, 64 * 1024);
//   if (n > 0) buffer.Commit(n);
#ifndef FRAMEKIT_FRAMING_BYTE_BUFFER_H_
#define FRAMEKIT_FRAMING_BYTE_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <utility>

#include "absl/strings/string_view.h"

namespace framekit {

class ByteBuffer {
 public:
  // Capacity from which the buffer may become a mirrored ring (when allowed and available, and
  // the pending bytes are more than 1/8 of it): 128 KiB. Smaller buffers stay on the heap.
  static constexpr size_t kMirrorMinCapacity = size_t{128} << 10;

  ByteBuffer() = default;
  // `allow_mirror` = false keeps the linear layout at every size (tests; callers that fork).
  explicit ByteBuffer(bool allow_mirror) : allow_mirror_(allow_mirror) {}
  ~ByteBuffer() { Release(); }
  ByteBuffer(ByteBuffer&& other) noexcept { *this = std::move(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  const char* data() const { return base_ + begin_; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return capacity_; }
  // True when the storage is a mirrored ring (see above).
  bool mirrored() const { return mirrored_; }
  // Free bytes after the pending ones (what Prepare can hand out without moving anything).
  size_t writable() const { return mirrored_ ? capacity_ - size() : capacity_ - end_; }
  absl::string_view view() const { return absl::string_view(data(), size()); }

  // Returns a pointer to at least `n` writable bytes after the pending ones. Invalidates every
  // pointer and view into the buffer.
  char* Prepare(size_t n) {
    if (writable() < n) MakeRoom(n);
    return base_ + end_;
  }
  // Marks `n` bytes written at Prepare()'s pointer as pending. `n` <= the size passed to Prepare.
  void Commit(size_t n) { end_ += n; }

  // Appends a copy of `bytes`.
  void Append(absl::string_view bytes) {
    if (bytes.empty()) return;
    std::memcpy(Prepare(bytes.size()), bytes.data(), bytes.size());
    Commit(bytes.size());
  }

  // Drops the first `n` pending bytes (n <= size()). Views stay valid until the next Prepare.
  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) {
      begin_ = end_ = 0;  // Empty: the next read starts at the front for free.
    } else if (begin_ >= capacity_) {
      // Only a ring gets here: its bytes continue in the first copy of the pages.
      begin_ -= capacity_;
      end_ -= capacity_;
    }
  }

  // Drops every pending byte; keeps the allocation.
  void Clear() { begin_ = end_ = 0; }

 private:
  void MakeRoom(size_t n);
  void Release();

  static constexpr size_t kAlign = 64;  // Where a linear MakeRoom puts the end of the pending bytes.

  char* base_ = nullptr;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool mirrored_ = false;
  bool allow_mirror_ = true;
};

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_BYTE_BUFFER_H_

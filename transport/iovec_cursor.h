// framekit/transport/iovec_cursor.h
//
// IovecCursor tracks how much of a gather list (a span of iovec) has been written, so that a
// partial writev/sendmsg resumes mid-iovec without copying any payload: Fill() describes the
// unwritten bytes as iovecs (the first one trimmed), Advance() consumes what the kernel took.
// The cursor refers to the caller's iovec array and buffers, which must outlive it (so a braced
// list, a temporary, is refused at compile time). Empty iovecs are skipped.
//
// WriteAllV uses one internally. An event loop keeps one per connection across wakeups:
//
//   IovecCursor cursor(frame_iovecs);
//   ...on writable:
//   absl::StatusOr<size_t> n = WriteSomeV(fd, &cursor, absl::InfinitePast());
//   if (cursor.done()) StopWatchingWritable();
#ifndef FRAMEKIT_TRANSPORT_IOVEC_CURSOR_H_
#define FRAMEKIT_TRANSPORT_IOVEC_CURSOR_H_

#include <sys/uio.h>

#include <cstddef>
#include <initializer_list>

#include "absl/types/span.h"

namespace framekit {

class IovecCursor {
 public:
  explicit IovecCursor(absl::Span<const struct iovec> iov) : iov_(iov) {
    for (const struct iovec& v : iov_) remaining_ += v.iov_len;
    SkipEmpty();
  }

  IovecCursor(std::initializer_list<struct iovec>) = delete;  // would dangle

  bool done() const { return remaining_ == 0; }
  // Bytes not yet consumed.
  size_t remaining() const { return remaining_; }

  // Writes up to `max` iovecs describing the next unconsumed bytes into `out`; returns how many.
  // 0 only when done().
  int Fill(struct iovec* out, int max) const {
    int n = 0;
    for (size_t i = index_; i < iov_.size() && n < max; ++i) {
      if (iov_[i].iov_len == 0) continue;
      out[n] = iov_[i];
      if (i == index_) {
        out[n].iov_base = static_cast<char*>(out[n].iov_base) + offset_;
        out[n].iov_len -= offset_;
      }
      ++n;
    }
    return n;
  }

  // Marks `n` more bytes as consumed. `n` must not exceed remaining().
  void Advance(size_t n) {
    remaining_ -= n;
    while (n > 0) {
      size_t left = iov_[index_].iov_len - offset_;
      if (n < left) {
        offset_ += n;
        return;
      }
      n -= left;
      ++index_;
      offset_ = 0;
    }
    SkipEmpty();
  }

 private:
  void SkipEmpty() {
    while (index_ < iov_.size() && iov_[index_].iov_len == offset_) {
      ++index_;
      offset_ = 0;
    }
  }

  absl::Span<const struct iovec> iov_;
  size_t index_ = 0;   // first iovec with unconsumed bytes (after SkipEmpty)
  size_t offset_ = 0;  // bytes of iov_[index_] already consumed
  size_t remaining_ = 0;
};

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_IOVEC_CURSOR_H_

#include "framekit/framing/byte_buffer.h"

#include <algorithm>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace framekit {
namespace {

// Maps `size` bytes (a multiple of the page size) twice, back to back; nullptr when the system
// refuses (no memfd, seccomp, address space or map-count limits): the caller stays linear.
char* MapMirror(size_t size) {
#if defined(__linux__) && defined(MFD_CLOEXEC)
  const int fd = memfd_create("framekit-byte-buffer", MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  char* base = nullptr;
  if (ftruncate(fd, static_cast<off_t>(size)) == 0) {
    // Reserve 2 x size of address space, then lay the file over both halves.
    void* reserved = mmap(nullptr, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (reserved != MAP_FAILED) {
      base = static_cast<char*>(reserved);
      const int prot = PROT_READ | PROT_WRITE;
      if (mmap(base, size, prot, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
          mmap(base + size, size, prot, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
          madvise(base, 2 * size, MADV_DONTFORK) != 0) {
        munmap(base, 2 * size);
        base = nullptr;
      }
    }
  }
  close(fd);  // The mappings keep the memory alive.
  return base;
#else
  (void)size;
  return nullptr;
#endif
}

void UnmapMirror(char* base, size_t size) {
#if defined(__linux__)
  munmap(base, 2 * size);
#else
  (void)base;
  (void)size;
#endif
}

size_t PageSize() {
#if defined(__linux__)
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
#else
  return 4096;
#endif
}

}  // namespace

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    base_ = std::exchange(other.base_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    begin_ = std::exchange(other.begin_, 0);
    end_ = std::exchange(other.end_, 0);
    mirrored_ = std::exchange(other.mirrored_, false);
    allow_mirror_ = other.allow_mirror_;
  }
  return *this;
}

void ByteBuffer::Release() {
  if (base_ == nullptr) return;
  if (mirrored_) {
    UnmapMirror(base_, capacity_);
  } else {
    ::operator delete[](base_, std::align_val_t{kAlign});
  }
  base_ = nullptr;
  capacity_ = begin_ = end_ = 0;
  mirrored_ = false;
}

void ByteBuffer::MakeRoom(size_t n) {
  const size_t pending = size();
  // A linear buffer places the pending bytes so that they end on a 64-byte boundary: the next read
  // (recv, or a memcpy standing in for it) then writes to a cache-line-aligned address, as it would
  // into an empty buffer. Unaligned, every 64 KiB read copies measurably slower. (A ring never
  // moves its bytes; reads of whole cache lines keep it aligned.)
  const size_t shift = (kAlign - pending % kAlign) % kAlign;
  // Compacting moves `pending` bytes and frees capacity - pending for new input. Only when the
  // pending bytes are at most 1/8 of the capacity is that cheap (< 1/7 of a byte moved per byte
  // received); otherwise grow. A ring never gets here unless it must grow.
  if (!mirrored_ && shift + pending + n <= capacity_ && pending <= capacity_ / 8) {
    std::memmove(base_ + shift, base_ + begin_, pending);
    begin_ = shift;
    end_ = shift + pending;
    return;
  }
  size_t new_capacity = std::max<size_t>(capacity_ * 2, 4096);
  while (new_capacity < shift + pending + n) new_capacity *= 2;

  char* grown = nullptr;
  bool mirrored = false;
  size_t new_begin = shift;
  // A ring only when the pending bytes are too many to compact cheaply at the new size (a large
  // partial frame), or it already is one. Otherwise stay linear: compaction keeps each read
  // 64-byte aligned, which a ring cannot (its reads land where the stream left off), and an
  // unaligned recv of small frames costs more than the rare small memmove.
  if (allow_mirror_ && new_capacity >= kMirrorMinCapacity &&
      (mirrored_ || pending > new_capacity / 8)) {
    const size_t page = PageSize();
    const size_t ring = (new_capacity + page - 1) / page * page;
    grown = MapMirror(ring);
    if (grown != nullptr) {
      new_capacity = ring;
      mirrored = true;
      new_begin = 0;
    }
  }
  if (grown == nullptr) {
    // Cache-line aligned, so that the offsets aligned above are aligned addresses. Uninitialised.
    grown = static_cast<char*>(::operator new[](new_capacity, std::align_val_t{kAlign}));
  }
  if (pending > 0) std::memcpy(grown + new_begin, base_ + begin_, pending);
  Release();
  base_ = grown;
  capacity_ = new_capacity;
  mirrored_ = mirrored;
  begin_ = new_begin;
  end_ = new_begin + pending;
}

}  // namespace framekit

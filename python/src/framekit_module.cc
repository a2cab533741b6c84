// framekit's Python extension, `framekit._framekit`: framers, decoders and codecs by spec.
//
// The Python-facing API is documented in python/framekit/_framekit.pyi; this file keeps the
// docstrings that help() shows. Errors follow the C++ decoding contract (framing/decoder.h):
//
//   absl status          Python exception (all subclass framekit.FramingError < ValueError)
//   ResourceExhausted    FrameTooLong       a payload over the framer's maximum (decode or encode)
//   InvalidArgument      MalformedFrame     a malformed header/trailer (decode)
//   DataLoss             TruncatedStream    finish(): the stream ended inside a frame
//
// Bad specs, payloads a framer cannot encode (a delimiter inside one) and codec errors are plain
// ValueError with the C++ message.
#include <Python.h>
#include <pybind11/pybind11.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/codecs/codec.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"

namespace py = pybind11;

namespace framekit {
namespace python {
namespace {

// Feeds at least this large are decoded with the GIL released.
constexpr size_t kReleaseGilBytes = 64 * 1024;
// Frames taken per NextBatch call.
constexpr size_t kBatch = 64;

PyObject* g_framing_error = nullptr;     // FramingError(ValueError)
PyObject* g_frame_too_long = nullptr;    // FrameTooLong(FramingError)
PyObject* g_malformed_frame = nullptr;   // MalformedFrame(FramingError)
PyObject* g_truncated_stream = nullptr;  // TruncatedStream(FramingError)

// A contiguous view of a bytes-like object (bytes, bytearray, memoryview, ...), released on
// destruction.
class BytesView {
 public:
  explicit BytesView(py::handle obj) {
    if (PyBytes_CheckExact(obj.ptr())) {  // The common case, without the buffer protocol.
      data_ = absl::string_view(PyBytes_AS_STRING(obj.ptr()),
                                static_cast<size_t>(PyBytes_GET_SIZE(obj.ptr())));
      return;
    }
    if (PyUnicode_Check(obj.ptr())) {
      throw py::type_error("expected a bytes-like object, not str (encode it first)");
    }
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    held_ = true;
    data_ = absl::string_view(static_cast<const char*>(view_.buf), static_cast<size_t>(view_.len));
  }
  ~BytesView() {
    if (held_) PyBuffer_Release(&view_);
  }
  BytesView(BytesView&& other) noexcept
      : view_(other.view_), held_(other.held_), data_(other.data_) {
    other.held_ = false;
  }
  BytesView(const BytesView&) = delete;
  BytesView& operator=(const BytesView&) = delete;
  BytesView& operator=(BytesView&&) = delete;

  absl::string_view data() const { return data_; }

 private:
  Py_buffer view_{};
  bool held_ = false;
  absl::string_view data_;
};

// The C function behind `type.name` when it is a builtin method with exactly `flags` (a
// collections.deque's popleft or append), else null: called directly, it skips the generic call.
PyCFunction BuiltinMethod(PyTypeObject* type, const char* name, int flags) {
  PyObject* descr = PyObject_GetAttrString(reinterpret_cast<PyObject*>(type), name);
  if (descr == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  PyCFunction fn = nullptr;
  if (Py_IS_TYPE(descr, &PyMethodDescr_Type)) {
    PyMethodDef* def = reinterpret_cast<PyMethodDescrObject*>(descr)->d_method;
    if (def->ml_flags == flags) fn = def->ml_meth;
  }
  Py_DECREF(descr);
  return fn;
}

py::bytes ToBytes(absl::string_view s) { return py::bytes(s.data(), s.size()); }

PyObject* ExceptionClassFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kResourceExhausted:
      return g_frame_too_long;
    case absl::StatusCode::kInvalidArgument:
      return g_malformed_frame;
    case absl::StatusCode::kDataLoss:
      return g_truncated_stream;
    default:
      return g_framing_error;
  }
}

// The framekit exception for `status` (the C++ message as its text), with attributes `code` (the
// absl code's name), `fatal` and `frames` (frames decoded before the error, in the call that
// raised it), set as the current Python error. Returns false if building it failed (that error is
// set instead).
bool SetFramingError(const absl::Status& status, bool fatal, PyObject* frames) {
  PyObject* cls = ExceptionClassFor(status.code());
  const std::string message(status.message());
  PyObject* text = PyUnicode_FromStringAndSize(message.data(),
                                               static_cast<Py_ssize_t>(message.size()));
  if (text == nullptr) return false;
  PyObject* exc = PyObject_CallOneArg(cls, text);
  Py_DECREF(text);
  if (exc == nullptr) return false;
  const std::string code = absl::StatusCodeToString(status.code());
  PyObject* code_str =
      PyUnicode_FromStringAndSize(code.data(), static_cast<Py_ssize_t>(code.size()));
  const bool ok = code_str != nullptr && PyObject_SetAttrString(exc, "code", code_str) == 0 &&
                  PyObject_SetAttrString(exc, "fatal", fatal ? Py_True : Py_False) == 0 &&
                  PyObject_SetAttrString(exc, "frames", frames) == 0;
  Py_XDECREF(code_str);
  if (ok) PyErr_SetObject(cls, exc);
  Py_DECREF(exc);
  return ok;
}

// SetFramingError, thrown to pybind11.
[[noreturn]] void RaiseFramingError(const absl::Status& status, bool fatal, py::list frames) {
  SetFramingError(status, fatal, frames.ptr());
  throw py::error_already_set();
}

// Encoding errors: a payload over the maximum is FrameTooLong; anything else the framer refuses
// (a delimiter inside the payload, a short payload for fixed frames without padding) is ValueError.
[[noreturn]] void RaiseEncodeError(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    RaiseFramingError(status, /*fatal=*/false, py::list());
  }
  throw py::value_error(std::string(status.message()));
}

std::shared_ptr<const Framer> MakeFramerOrRaise(const std::string& spec) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  if (!framer.ok()) throw py::value_error(std::string(framer.status().message()));
  return std::shared_ptr<const Framer>(std::move(*framer));
}

class PyFramer {
 public:
  explicit PyFramer(const std::string& spec) : framer_(MakeFramerOrRaise(spec)) {}

  const std::shared_ptr<const Framer>& framer() const { return framer_; }

  py::bytes Encode(py::handle payload) const {
    BytesView view(payload);
    std::string out;
    absl::Status s = framer_->Encode(view.data(), &out);
    if (!s.ok()) RaiseEncodeError(s);
    return ToBytes(out);
  }

  // One bytes object holding every frame, written in place by EncodeBatchInto (no extra copy).
  py::bytes EncodeBatch(py::iterable payloads) const {
    std::deque<BytesView> views;  // A deque: a held Py_buffer never moves once taken.
    for (py::handle payload : payloads) views.emplace_back(payload);
    std::vector<absl::string_view> data;
    data.reserve(views.size());
    for (const BytesView& v : views) data.push_back(v.data());
    PyObject* out = nullptr;
    size_t refused = 0;
    absl::StatusOr<size_t> written = framer_->EncodeBatchInto(
        data,
        [&](size_t size) -> char* {
          out = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(size));
          if (out == nullptr) throw py::error_already_set();
          return PyBytes_AS_STRING(out);
        },
        &refused);
    py::object result = py::reinterpret_steal<py::object>(out);
    if (!written.ok()) {
      RaiseEncodeError(
          absl::Status(written.status().code(), "payload " + std::to_string(refused) + " of " +
                                                    std::to_string(data.size()) + ": " +
                                                    std::string(written.status().message())));
    }
    if (!result) return py::bytes("", 0);
    return py::reinterpret_borrow<py::bytes>(result);
  }

 private:
  std::shared_ptr<const Framer> framer_;
};

class PyDecoder {
 public:
  explicit PyDecoder(std::shared_ptr<const Framer> framer)
      : framer_(std::move(framer)), decoder_(framer_->NewDecoder()) {}

  const std::shared_ptr<const Framer>& framer() const { return framer_; }
  bool failed() const { return decoder_->failed(); }
  size_t buffered_bytes() const { return decoder_->buffered_bytes(); }
  uint64_t stream_offset() const { return decoder_->stream_offset(); }
  uint64_t last_feed_payload_bytes() const { return last_feed_payload_bytes_; }

  py::list Feed(py::handle data) {
    py::list frames;
    ListSink sink{frames.ptr()};
    FeedTo(data, sink, [&] { return frames; });
    return frames;
  }

  // feed() that appends each frame to `queue` instead of returning a list: a collections.deque
  // through its own C append (no list, no method call per frame), anything else through
  // queue.append. Returns the number of frames appended. On error the frames before it are in
  // `queue` already, and the exception's `frames` is empty.
  size_t FeedInto(py::handle queue, py::handle data) {
    QueueSink sink(queue);
    FeedTo(data, sink, [] { return py::list(); });
    return sink.count;
  }

  // Appends a copy of `data` to the stream without decoding it: the frames are taken later, one
  // at a time by TakeOne or all at once by feed_into(queue, b""). Raises the fatal error if the
  // decoder has failed. The GIL is released while a large input is copied.
  void Push(py::handle data) {
    BytesView view(data);
    Busy busy(this);
    if (decoder_->failed()) RaiseFramingError(decoder_->status(), true, py::list());
    if (view.data().size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      decoder_->Feed(view.data()).IgnoreError();  // Not failed (checked above): always OK.
    } else {
      decoder_->Feed(view.data()).IgnoreError();
    }
  }

  // The next frame in *frame (returns 1; a view into the decoder's buffer, valid until the next
  // push or feed), none complete (0), or -1 with a Python error set: the decoder's (a
  // FramingError, its `frames` empty) or another.
  int TakeOne(absl::string_view* frame) {
    if (busy_.load(std::memory_order_relaxed)) {
      PyErr_SetString(PyExc_RuntimeError, "framekit.Decoder used by two threads at once");
      return -1;
    }
    switch (decoder_->failed() ? Decoder::kError : decoder_->Next(frame)) {
      case Decoder::kFrame:
        return 1;
      case Decoder::kNeedMore:
        return 0;
      case Decoder::kError:
        break;
    }
    PyObject* none = PyList_New(0);
    if (none != nullptr) {
      SetFramingError(decoder_->status(), decoder_->failed(), none);
      Py_DECREF(none);
    }
    return -1;
  }

  void Finish() {
    Busy busy(this);
    absl::Status s = decoder_->Finish();
    if (!s.ok()) RaiseFramingError(s, true, py::list());
  }

 private:
  // Refuses concurrent use from two threads (possible while feed() runs without the GIL).
  class Busy {
   public:
    explicit Busy(PyDecoder* d) : d_(d) {
      if (d_->busy_.exchange(true)) {
        throw std::runtime_error("framekit.Decoder used by two threads at once");
      }
    }
    ~Busy() { d_->busy_.store(false); }

   private:
    PyDecoder* d_;
  };

  struct ListSink {
    PyObject* list;
    bool Append(PyObject* frame) { return PyList_Append(list, frame) == 0; }
  };

  struct QueueSink {
    explicit QueueSink(py::handle q)
        : queue(q.ptr()), append(BuiltinMethod(Py_TYPE(q.ptr()), "append", METH_O)) {
      if (append == nullptr) bound = q.attr("append");
    }
    bool Append(PyObject* frame) {
      PyObject* r =
          append != nullptr ? append(queue, frame) : PyObject_CallOneArg(bound.ptr(), frame);
      if (r == nullptr) return false;
      Py_DECREF(r);
      ++count;
      return true;
    }
    PyObject* queue;
    PyCFunction append;  // collections.deque's append (METH_O), called directly; else null
    py::object bound;    // queue.append otherwise
    size_t count = 0;
  };

  // Appends every frame `data` completes to `sink`, raising the decoder's error (with the
  // frames `error_frames()` gives) after the frames before it.
  //
  // Where a byte enters: nothing buffered, `data` is decoded in place (BorrowInput) and only the
  // tail of a frame that continues in the next feed is copied. A frame of known size that is
  // partly buffered gets only its missing bytes copied; then the rest is decoded in place. Frames
  // become bytes before the next step, which may move or overwrite what they point into.
  template <typename Sink, typename ErrorFrames>
  void FeedTo(py::handle data, Sink& sink, ErrorFrames error_frames) {
    BytesView view(data);
    Busy busy(this);
    last_feed_payload_bytes_ = 0;
    Decoder& d = *decoder_;
    if (d.failed()) RaiseFramingError(d.status(), true, error_frames());
    absl::string_view bytes = view.data();
    Decoder::Result stop = Decoder::kNeedMore;
    if (bytes.empty()) stop = TakeAll(sink, false);
    while (!bytes.empty()) {
      if (d.buffered_bytes() == 0) {
        d.BorrowInput(bytes);
        struct EndBorrow {
          Decoder& d;
          ~EndBorrow() { d.EndBorrow(); }
        } end{d};
        stop = TakeAll(sink, bytes.size() >= kReleaseGilBytes);
        break;
      }
      const uint64_t missing = d.frame_bytes_missing();
      const size_t take = missing > 0 && missing < bytes.size() ? missing : bytes.size();
      d.Feed(bytes.substr(0, take)).IgnoreError();  // Not failed (checked above): always OK.
      stop = TakeAll(sink, take >= kReleaseGilBytes);
      bytes.remove_prefix(take);
      if (stop == Decoder::kError) break;
    }
    if (stop == Decoder::kError) RaiseFramingError(d.status(), d.failed(), error_frames());
  }

  // Takes every frame the decoder can give now, into `sink`; returns why it stopped (kNeedMore
  // or kError). With `release_gil`, the frames are split without the GIL, then made bytes.
  template <typename Sink>
  Decoder::Result TakeAll(Sink& sink, bool release_gil) {
    Decoder::Result stop = Decoder::kNeedMore;
    absl::string_view batch[kBatch];
    if (release_gil) {
      std::vector<absl::string_view> views;
      {
        py::gil_scoped_release release;
        for (;;) {
          const size_t n = decoder_->NextBatch(absl::MakeSpan(batch), &stop);
          views.insert(views.end(), batch, batch + n);
          if (stop != Decoder::kFrame) break;
        }
      }
      for (absl::string_view frame : views) Append(sink, frame);
      return stop;
    }
    for (;;) {
      const size_t n = decoder_->NextBatch(absl::MakeSpan(batch), &stop);
      for (size_t i = 0; i < n; ++i) Append(sink, batch[i]);
      if (stop != Decoder::kFrame) return stop;
    }
  }

  template <typename Sink>
  void Append(Sink& sink, absl::string_view frame) {
    PyObject* b = PyBytes_FromStringAndSize(frame.data(), static_cast<Py_ssize_t>(frame.size()));
    if (b == nullptr) throw py::error_already_set();
    const bool ok = sink.Append(b);
    Py_DECREF(b);
    if (!ok) throw py::error_already_set();
    last_feed_payload_bytes_ += frame.size();
  }

  std::shared_ptr<const Framer> framer_;
  std::unique_ptr<Decoder> decoder_;
  std::atomic<bool> busy_{false};
  uint64_t last_feed_payload_bytes_ = 0;
};

class PyCodec {
 public:
  explicit PyCodec(const std::string& spec) {
    absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec(spec);
    if (!codec.ok()) throw py::value_error(std::string(codec.status().message()));
    codec_ = std::move(*codec);
  }

  const Codec& codec() const { return *codec_; }

  // Python ints go in as int64 when every one fits, else as uint64 when every one fits; the codec
  // then checks its own domain. An int outside both is refused here, naming its index.
  py::bytes Encode(py::iterable values) const {
    std::vector<uint64_t> bits;  // Two's complement for negatives.
    bool any_negative = false;
    bool any_above_int64 = false;
    for (py::handle item : values) {
      const size_t index = bits.size();
      if (!PyLong_Check(item.ptr())) {
        throw py::type_error("codec values must be ints; value at index " + std::to_string(index) +
                             " is " + std::string(Py_TYPE(item.ptr())->tp_name));
      }
      int overflow = 0;
      const long long s = PyLong_AsLongLongAndOverflow(item.ptr(), &overflow);
      if (overflow == 0) {
        if (s == -1 && PyErr_Occurred()) throw py::error_already_set();
        any_negative = any_negative || s < 0;
        bits.push_back(static_cast<uint64_t>(s));
        continue;
      }
      if (overflow > 0) {
        const unsigned long long u = PyLong_AsUnsignedLongLong(item.ptr());
        if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred())) {
          any_above_int64 = true;
          bits.push_back(u);
          continue;
        }
        PyErr_Clear();
      }
      throw py::value_error(std::string(codec_->name()) + ": value at index " +
                            std::to_string(index) + " (" + py::str(item).cast<std::string>() +
                            ") does not fit in 64 bits");
    }
    if (any_negative && any_above_int64) {
      throw py::value_error(std::string(codec_->name()) +
                            ": the values mix negatives and values above 2**63-1, which no "
                            "codec's domain holds");
    }
    std::string out;
    absl::Status s;
    if (any_above_int64) {
      s = codec_->EncodeUnsigned(bits, &out);
    } else {
      std::vector<int64_t> signed_values(bits.begin(), bits.end());
      s = codec_->EncodeSigned(signed_values, &out);
    }
    if (!s.ok()) throw py::value_error(std::string(s.message()));
    return ToBytes(out);
  }

  py::list Decode(py::handle data) const {
    BytesView view(data);
    py::list result;
    absl::Status s;
    if (codec_->is_signed()) {
      std::vector<int64_t> out;
      s = codec_->DecodeSigned(view.data(), &out);
      if (!s.ok()) throw py::value_error(std::string(s.message()));
      for (int64_t v : out) result.append(py::int_(v));
    } else {
      std::vector<uint64_t> out;
      s = codec_->DecodeUnsigned(view.data(), &out);
      if (!s.ok()) throw py::value_error(std::string(s.message()));
      for (uint64_t v : out) result.append(py::int_(v));
    }
    return result;
  }

 private:
  std::unique_ptr<Codec> codec_;
};

PyObject* NewException(py::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("framekit.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (cls == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(cls));  // add_object takes its own reference.
  return cls;                           // Kept for the module's lifetime (one reference held here).
}

// ---- The asyncio reader's fast path, in C ----
//
// `await reader.read_frame()` where a frame is already queued should cost about what popping a
// deque costs. A Python coroutine costs a frame object and its evaluation per call (most of the
// time per 16-byte frame), so the reader's read_frame and its async iterator are these C objects:
// with a frame queued they return a Ready awaitable that completes at once (am_send returns the
// frame without raising StopIteration); with none they return the Python coroutine `slow()` (the
// protocol's waiting path). Semantics are those of the Python version they replace.
//
// read_frame is a METH_FASTCALL method, handed out bound: CPython 3.11 specializes calls of a
// bound METH_FASTCALL builtin (PRECALL_NO_KW_BUILTIN_FAST) but not of a callable instance nor of
// a METH_NOARGS builtin, and that call is what `await read_frame()` adds to `async for`.

struct ReadyObject {
  PyObject_HEAD PyObject* value;  // Owned; handed out (once) by send/next.
};

PyTypeObject* g_ready_type = nullptr;

PyObject* NewReady(PyObject* value /* stolen */) {
  ReadyObject* r = PyObject_New(ReadyObject, g_ready_type);
  if (r == nullptr) {
    Py_DECREF(value);
    return nullptr;
  }
  r->value = value;
  return reinterpret_cast<PyObject*>(r);
}

void ReadyDealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  Py_XDECREF(reinterpret_cast<ReadyObject*>(self)->value);
  PyObject_Free(self);
  Py_DECREF(type);  // Heap type.
}

PyObject* ReadyAwait(PyObject* self) {
  Py_INCREF(self);
  return self;
}

PySendResult ReadySend(PyObject* self, PyObject* /*arg*/, PyObject** result) {
  ReadyObject* r = reinterpret_cast<ReadyObject*>(self);
  if (r->value == nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "cannot reuse an already awaited framekit read");
    *result = nullptr;
    return PYGEN_ERROR;
  }
  *result = r->value;  // Ownership passes to the caller.
  r->value = nullptr;
  return PYGEN_RETURN;
}

PyObject* ReadyNext(PyObject* self) {  // For callers that drive the iterator by hand.
  PyObject* value = nullptr;
  if (ReadySend(self, Py_None, &value) == PYGEN_ERROR) return nullptr;
  PyObject* stop = PyObject_CallOneArg(PyExc_StopIteration, value);
  Py_DECREF(value);
  if (stop == nullptr) return nullptr;
  PyErr_SetObject(PyExc_StopIteration, stop);
  Py_DECREF(stop);
  return nullptr;
}

// FastRead(queue, slow, decoder=None): its read_frame() returns Ready(queue.popleft()) if `queue`
// is non-empty, else Ready(the decoder's next frame) if it has one complete, else slow() (a
// coroutine). A frame the decoder finds bad raises its FramingError from read_frame() itself, as
// does an exception queued in `queue` (in order: slow() queues a decoder error behind the frames
// it decoded before it). As an async iterator (am_anext) it does the same with `slow` being the
// iterator's coroutine function (which raises StopAsyncIteration at the end). `queue` only ever
// holds frames taken from the decoder earlier (by slow()), so frames keep their order.
struct FastReadObject {
  PyObject_HEAD PyObject* queue;  // a collections.deque
  PyObject* popleft;              // its bound popleft
  PyObject* slow;                 // a callable returning an awaitable
  // The queue type's own C length and popleft (a plain deque's), called directly rather than
  // through the generic call path; null when the type provides them otherwise.
  lenfunc queue_len;
  PyCFunction queue_popleft;
  PyObject* ready;  // The last Ready handed out, reused once nothing else refers to it.
  PyObject* decoder_obj;  // A framekit.Decoder, or null; `decoder` is its C++ object.
  PyDecoder* decoder;
  // The last two small frames made from the decoder's, for RecycledBytes.
  PyObject* spare[2];
  int next_spare;
};

PyTypeObject* g_fast_read_type = nullptr;

void FastReadDealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  FastReadObject* f = reinterpret_cast<FastReadObject*>(self);
  PyObject_GC_UnTrack(self);
  Py_CLEAR(f->queue);
  Py_CLEAR(f->popleft);
  Py_CLEAR(f->slow);
  Py_CLEAR(f->ready);
  Py_CLEAR(f->decoder_obj);
  Py_CLEAR(f->spare[0]);
  Py_CLEAR(f->spare[1]);
  PyObject_GC_Del(self);
  Py_DECREF(type);
}

int FastReadTraverse(PyObject* self, visitproc visit, void* arg) {
  FastReadObject* f = reinterpret_cast<FastReadObject*>(self);
  Py_VISIT(Py_TYPE(self));
  Py_VISIT(f->queue);
  Py_VISIT(f->popleft);
  Py_VISIT(f->slow);
  Py_VISIT(f->decoder_obj);
  return 0;
}

int FastReadClear(PyObject* self) {
  FastReadObject* f = reinterpret_cast<FastReadObject*>(self);
  Py_CLEAR(f->queue);
  Py_CLEAR(f->popleft);
  Py_CLEAR(f->slow);
  Py_CLEAR(f->ready);
  Py_CLEAR(f->decoder_obj);
  Py_CLEAR(f->spare[0]);
  Py_CLEAR(f->spare[1]);
  f->decoder = nullptr;
  return 0;
}

PyObject* FastReadNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  PyObject* queue = nullptr;
  PyObject* slow = nullptr;
  PyObject* decoder_obj = Py_None;
  static const char* kwlist[] = {"queue", "slow", "decoder", nullptr};
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O", const_cast<char**>(kwlist), &queue, &slow,
                                   &decoder_obj)) {
    return nullptr;
  }
  PyDecoder* decoder = nullptr;
  if (decoder_obj != Py_None) {
    try {
      decoder = py::handle(decoder_obj).cast<PyDecoder*>();
    } catch (const py::cast_error&) {
      PyErr_SetString(PyExc_TypeError, "decoder must be a framekit.Decoder or None");
      return nullptr;
    }
  }
  PyObject* popleft = PyObject_GetAttrString(queue, "popleft");
  if (popleft == nullptr) return nullptr;
  if (!PyCallable_Check(slow)) {
    Py_DECREF(popleft);
    PyErr_SetString(PyExc_TypeError, "slow must be callable");
    return nullptr;
  }
  FastReadObject* f = PyObject_GC_New(FastReadObject, type);
  if (f == nullptr) {
    Py_DECREF(popleft);
    return nullptr;
  }
  Py_INCREF(queue);
  Py_INCREF(slow);
  f->queue = queue;
  f->popleft = popleft;
  f->slow = slow;
  PyTypeObject* queue_type = Py_TYPE(queue);
  f->queue_len =
      queue_type->tp_as_sequence != nullptr ? queue_type->tp_as_sequence->sq_length : nullptr;
  f->queue_popleft =
      f->queue_len != nullptr ? BuiltinMethod(queue_type, "popleft", METH_NOARGS) : nullptr;
  f->ready = nullptr;
  f->decoder = decoder;
  f->decoder_obj = decoder != nullptr ? (Py_INCREF(decoder_obj), decoder_obj) : nullptr;
  f->spare[0] = f->spare[1] = nullptr;
  f->next_spare = 0;
  PyObject_GC_Track(reinterpret_cast<PyObject*>(f));
  return reinterpret_cast<PyObject*>(f);
}

// A Ready awaitable of `frame` (stolen): the one handed out last when nothing else refers to it
// any more (it has been awaited and dropped), else a new one.
PyObject* ReadyFor(FastReadObject* f, PyObject* frame) {
  ReadyObject* cached = reinterpret_cast<ReadyObject*>(f->ready);
  if (cached != nullptr && Py_REFCNT(cached) == 1 && cached->value == nullptr) {
    cached->value = frame;
    Py_INCREF(cached);
    return reinterpret_cast<PyObject*>(cached);
  }
  PyObject* ready = NewReady(frame);
  if (ready == nullptr) return nullptr;
  Py_INCREF(ready);
  Py_XSETREF(f->ready, ready);
  return ready;
}

// Frames up to this size are made by RecycledBytes; larger ones cost their copy, not their
// allocation.
constexpr size_t kMaxRecycledFrame = 256;

// A new reference to a bytes object holding `frame`. A reader's loop (`frame = await
// read_frame()`) drops each frame before it asks for the one after the next, so a small frame
// made two reads ago is usually referred to only by `f->spare` again: then it is refilled in place
// instead of freeing one object and allocating another (as CPython itself resizes or appends to an
// object in place when it holds the only reference). A frame anyone else still holds is never
// touched. Only where the layout of bytes is known (its cached hash must be reset).
PyObject* RecycledBytes(FastReadObject* f, absl::string_view frame) {
  const Py_ssize_t size = static_cast<Py_ssize_t>(frame.size());
#if PY_VERSION_HEX < 0x030D0000
  // Sizes 0 and 1 are CPython's shared singletons; never made here.
  if (frame.size() < 2 || frame.size() > kMaxRecycledFrame) {
    return PyBytes_FromStringAndSize(frame.data(), size);
  }
  for (PyObject* spare : f->spare) {
    if (spare != nullptr && Py_REFCNT(spare) == 1 && PyBytes_GET_SIZE(spare) == size) {
      std::memcpy(PyBytes_AS_STRING(spare), frame.data(), frame.size());
      reinterpret_cast<PyBytesObject*>(spare)->ob_shash = -1;
      Py_INCREF(spare);
      return spare;
    }
  }
  PyObject* made = PyBytes_FromStringAndSize(frame.data(), size);
  if (made == nullptr) return nullptr;
  Py_INCREF(made);
  Py_XSETREF(f->spare[f->next_spare], made);
  f->next_spare ^= 1;
  return made;
#else
  (void)f;
  return PyBytes_FromStringAndSize(frame.data(), size);
#endif
}

PyObject* FastReadNext(PyObject* self) {
  FastReadObject* f = reinterpret_cast<FastReadObject*>(self);
  const bool direct = f->queue_popleft != nullptr;
  const Py_ssize_t n = direct ? f->queue_len(f->queue) : PyObject_Size(f->queue);
  if (n < 0) return nullptr;
  if (n > 0) {
    PyObject* frame =
        direct ? f->queue_popleft(f->queue, nullptr) : PyObject_CallNoArgs(f->popleft);
    if (frame == nullptr) return nullptr;
    if (!PyBytes_CheckExact(frame) && PyExceptionInstance_Check(frame)) {
      // An error queued behind the frames before it (by the slow path): raised in its turn.
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(frame)), frame);
      Py_DECREF(frame);
      return nullptr;
    }
    return ReadyFor(f, frame);
  }
  if (f->decoder != nullptr) {
    absl::string_view view;
    const int got = f->decoder->TakeOne(&view);
    if (got < 0) return nullptr;
    if (got > 0) {
      PyObject* frame = RecycledBytes(f, view);
      if (frame == nullptr) return nullptr;
      return ReadyFor(f, frame);
    }
  }
  return PyObject_CallNoArgs(f->slow);
}

// read_frame(): METH_FASTCALL (see above); keywords are refused by CPython before the call.
PyObject* FastReadReadFrame(PyObject* self, PyObject* const* /*args*/, Py_ssize_t nargs) {
  if (nargs != 0) {
    PyErr_Format(PyExc_TypeError, "read_frame() takes no arguments (%zd given)", nargs);
    return nullptr;
  }
  return FastReadNext(self);
}

PyObject* FastReadAiter(PyObject* self) {
  Py_INCREF(self);
  return self;
}

void RegisterFastRead(py::module_& m) {
  static PyType_Slot ready_slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(ReadyDealloc)},
      {Py_am_await, reinterpret_cast<void*>(ReadyAwait)},
      {Py_am_send, reinterpret_cast<void*>(ReadySend)},
      {Py_tp_iter, reinterpret_cast<void*>(ReadyAwait)},
      {Py_tp_iternext, reinterpret_cast<void*>(ReadyNext)},
      {Py_tp_doc, const_cast<char*>("An awaitable that is already complete (a queued frame).")},
      {0, nullptr},
  };
  static PyType_Spec ready_spec = {"framekit._framekit._Ready", sizeof(ReadyObject), 0,
                                   Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
                                   ready_slots};
  static PyMethodDef fast_methods[] = {
      {"read_frame", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(FastReadReadFrame)),
       METH_FASTCALL,
       "read_frame() -> awaitable: of queue.popleft() when the deque is non-empty (taken now), "
       "else slow()."},
      {nullptr, nullptr, 0, nullptr},
  };
  static PyType_Slot fast_slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(FastReadDealloc)},
      {Py_tp_traverse, reinterpret_cast<void*>(FastReadTraverse)},
      {Py_tp_clear, reinterpret_cast<void*>(FastReadClear)},
      {Py_tp_new, reinterpret_cast<void*>(FastReadNew)},
      {Py_tp_methods, fast_methods},
      {Py_am_aiter, reinterpret_cast<void*>(FastReadAiter)},
      {Py_am_anext, reinterpret_cast<void*>(FastReadNext)},
      {Py_tp_doc,
       const_cast<char*>("_FastRead(queue, slow): its read_frame() (and its __anext__) returns an "
                         "awaitable of queue.popleft() when the deque is non-empty, else slow(). "
                         "framekit.asyncio's read_frame (the bound method) and async iterator.")},
      {0, nullptr},
  };
  static PyType_Spec fast_spec = {"framekit._framekit._FastRead", sizeof(FastReadObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, fast_slots};
  PyObject* ready = PyType_FromSpec(&ready_spec);
  if (ready == nullptr) throw py::error_already_set();
  g_ready_type = reinterpret_cast<PyTypeObject*>(ready);  // One reference kept for good.
  PyObject* fast = PyType_FromSpec(&fast_spec);
  if (fast == nullptr) throw py::error_already_set();
  g_fast_read_type = reinterpret_cast<PyTypeObject*>(fast);
  m.add_object("_Ready", py::handle(ready));
  m.add_object("_FastRead", py::handle(fast));
}

}  // namespace
}  // namespace python
}  // namespace framekit

using framekit::python::PyCodec;
using framekit::python::PyDecoder;
using framekit::python::PyFramer;
using namespace framekit::python;  // The exception globals and helpers.

PYBIND11_MODULE(_framekit, m) {
  m.doc() =
      "framekit's C++ framers, decoders and codecs. Import them from `framekit`, not from here.";

  g_framing_error = NewException(
      m, "FramingError", PyExc_ValueError,
      "A framing error reported by framekit's C++ library; the message is the C++ one.\n\n"
      "Attributes: code (the absl status code's name), fatal (True if the decoder now refuses "
      "all input), frames (frames decoded earlier in the same feed() call, in order).");
  g_frame_too_long = NewException(
      m, "FrameTooLong", g_framing_error,
      "A payload over the framer's maximum (absl ResourceExhausted). Raised by decoders before "
      "the payload is buffered, and by encoders. Fatal unless the spec says too_long=skip.");
  g_malformed_frame = NewException(
      m, "MalformedFrame", g_framing_error,
      "A malformed header or trailer (absl InvalidArgument). Always fatal for the decoder.");
  g_truncated_stream = NewException(m, "TruncatedStream", g_framing_error,
                                    "finish(): the stream ended inside a frame (absl DataLoss).");

  RegisterFastRead(m);

  py::class_<PyFramer>(m, "Framer",
                       "One way of delimiting messages on a byte stream, chosen by spec:\n"
                       "delimiter, delimiter:delim=\\r\\n, fixed:size=16,pad=0x20, "
                       "length:width=4, length:width=varint, ascii:digits=5, netstring, ...\n"
                       "Immutable and thread-safe.")
      .def(py::init<const std::string&>(), py::arg("spec"),
           "Builds a framer from a spec string; ValueError naming what is wrong otherwise.")
      .def("encode", &PyFramer::Encode, py::arg("payload"),
           "Returns one frame (header + payload + trailer) as bytes. FrameTooLong over the "
           "maximum; ValueError for a payload the framer cannot carry.")
      .def("encode_batch", &PyFramer::EncodeBatch, py::arg("payloads"),
           "Returns the frames of every payload, concatenated, as one bytes object. All or "
           "nothing: a refused payload raises, naming its index ('payload 3 of 10: ...').")
      .def(
          "decoder", [](const PyFramer& f) { return std::make_unique<PyDecoder>(f.framer()); },
          "A new Decoder for this framer.")
      .def_property_readonly(
          "spec", [](const PyFramer& f) { return f.framer()->Spec(); },
          "The canonical spec (every key spelled out).")
      .def_property_readonly(
          "kind", [](const PyFramer& f) { return std::string(f.framer()->kind()); },
          "The kind: 'length', 'delimiter', ...")
      .def_property_readonly(
          "max_payload_size", [](const PyFramer& f) { return f.framer()->max_payload_size(); },
          "The largest payload encoded or decoded.")
      .def("__eq__",
           [](const PyFramer& a, const PyFramer& b) { return *a.framer() == *b.framer(); })
      .def("__hash__", [](const PyFramer& f) { return py::hash(py::str(f.framer()->Spec())); })
      .def("__repr__",
           [](const PyFramer& f) { return "framekit.Framer('" + f.framer()->Spec() + "')"; });

  py::class_<PyDecoder>(m, "Decoder",
                        "Turns a byte stream, split anyhow, back into the frames that were sent.\n"
                        "Not thread-safe: one thread at a time (concurrent use raises "
                        "RuntimeError).")
      .def(py::init([](py::object spec_or_framer) {
             if (py::isinstance<PyFramer>(spec_or_framer)) {
               return std::make_unique<PyDecoder>(spec_or_framer.cast<const PyFramer&>().framer());
             }
             return std::make_unique<PyDecoder>(
                 MakeFramerOrRaise(spec_or_framer.cast<std::string>()));
           }),
           py::arg("spec"), "A decoder for a spec string or a Framer.")
      .def("feed", &PyDecoder::Feed, py::arg("data"),
           "Appends `data` (any bytes-like object) to the stream and returns every frame now "
           "complete, in order, as a list of bytes. The GIL is released while a large feed "
           "(64 KiB or more) is split.\n\n"
           "On bad input raises FrameTooLong or MalformedFrame, whose `frames` attribute holds "
           "the frames decoded before the error. Errors are fatal (the decoder then raises the "
           "same error for all input; `failed` is True) except FrameTooLong with too_long=skip: "
           "the frame is discarded and feed(b'') goes on with the bytes already given.")
      .def("push", &PyDecoder::Push, py::arg("data"),
           "Appends a copy of `data` to the stream without decoding it (framekit.asyncio decodes "
           "as its reader reads; feed_into(queue, b'') takes every frame now complete). Raises "
           "the fatal error if the decoder has failed. The GIL is released while a large input "
           "(64 KiB or more) is copied.")
      .def("finish", &PyDecoder::Finish,
           "End of stream: returns None if the stream ended on a frame boundary; raises "
           "TruncatedStream if it ended inside a frame, or the fatal error if there was one.")
      .def("feed_into", &PyDecoder::FeedInto, py::arg("queue"), py::arg("data"),
           "feed(), appending each frame to `queue` (a collections.deque, or anything with "
           "append) instead of returning a list; returns how many it appended. On error the "
           "frames before it are in `queue` already and the exception's `frames` is empty.")
      .def_property_readonly("failed", &PyDecoder::failed, "True once a fatal error has occurred.")
      .def_property_readonly("buffered_bytes", &PyDecoder::buffered_bytes,
                             "Bytes received and not yet delivered as (or discarded with) a frame.")
      .def_property_readonly("stream_offset", &PyDecoder::stream_offset,
                             "Bytes of the stream consumed so far.")
      .def_property_readonly(
          "last_feed_payload_bytes", &PyDecoder::last_feed_payload_bytes,
          "Total payload bytes of the frames the last feed() or feed_into() gave.")
      .def_property_readonly(
          "spec", [](const PyDecoder& d) { return d.framer()->Spec(); },
          "The framer's canonical spec.")
      .def("__repr__",
           [](const PyDecoder& d) { return "framekit.Decoder('" + d.framer()->Spec() + "')"; });

  py::class_<PyCodec>(m, "Codec",
                      "Integer sequences <-> payload bytes, by spec: binary:width=4, "
                      "ascii:sep=\\n, varint:zigzag=true, groupvarint, ... Strict both ways.")
      .def(py::init<const std::string&>(), py::arg("spec"),
           "Builds a codec from a spec string; ValueError naming what is wrong otherwise.")
      .def("encode", &PyCodec::Encode, py::arg("values"),
           "Encodes an iterable of ints to bytes. ValueError naming the first value outside the "
           "codec's domain; TypeError for a non-int.")
      .def("decode", &PyCodec::Decode, py::arg("data"),
           "Decodes bytes to a list of ints. ValueError naming the byte offset of the first "
           "malformed value.")
      .def_property_readonly(
          "spec", [](const PyCodec& c) { return c.codec().Spec(); }, "The canonical spec.")
      .def_property_readonly(
          "name", [](const PyCodec& c) { return std::string(c.codec().name()); },
          "The codec's name: 'varint', 'binary', ...")
      .def_property_readonly(
          "signed", [](const PyCodec& c) { return c.codec().is_signed(); },
          "Whether the domain is signed.")
      .def_property_readonly(
          "value_bits", [](const PyCodec& c) { return c.codec().value_bits(); },
          "The width of the domain's integers, in bits.")
      .def("__repr__",
           [](const PyCodec& c) { return "framekit.Codec('" + c.codec().Spec() + "')"; });
}

// framekit/server/handler.h
//
// ConnectionHandler is what a framekit::Server user writes: the callbacks of one connection, made
// by the server's HandlerFactory once per accepted connection and destroyed after its OnClose.
// Every callback runs on the connection's event-loop thread, one at a time, so a handler needs no
// lock for its own state; state shared between connections (and so between loops) needs one.
//
//   OnOpen                 once, before any frame.
//   OnFrame                once per frame, in order. The view is valid only during the call:
//                          copy what must outlive it. Replies go out with conn.Send().
//   OnFrames               the frames of one read at a time (up to 64); the default calls
//                          OnFrame for each. Override it to answer a run with one SendBatch.
//   OnWritabilityChanged   conn.writable() flipped: false once the connection's unsent output
//                          passed the high watermark (the server has stopped reading from it),
//                          true once the peer drained it below the low one (reading resumes).
//   OnClose                last; `reason` is OK for a clean close (the peer half-closed and got
//                          everything owed, Close() was called, the server shut down) and says
//                          what went wrong otherwise; conn.close_reason() tells which.
//
// Example (echo):
//   class Echo : public framekit::ConnectionHandler {
//    public:
//     void OnFrame(framekit::Connection& conn, absl::string_view frame) override {
//       (void)conn.Send(frame);  // fails only past ServerOptions::max_output_bytes
//     }
//     void OnFrames(framekit::Connection& conn,
//                   absl::Span<const absl::string_view> frames) override {
//       (void)conn.SendBatch(frames);  // one encode pass for the run
//     }
//   };
//   framekit::HandlerFactory factory = [] { return std::make_unique<Echo>(); };
#ifndef FRAMEKIT_SERVER_HANDLER_H_
#define FRAMEKIT_SERVER_HANDLER_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace framekit {

class Connection;

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual void OnOpen(Connection& conn) { (void)conn; }
  virtual void OnFrame(Connection& conn, absl::string_view frame) = 0;
  virtual void OnFrames(Connection& conn, absl::Span<const absl::string_view> frames) {
    for (absl::string_view f : frames) OnFrame(conn, f);
  }
  virtual void OnWritabilityChanged(Connection& conn) { (void)conn; }
  virtual void OnClose(Connection& conn, const absl::Status& reason) {
    (void)conn;
    (void)reason;
  }
};

// Called on the accepting connection's loop thread, once per connection; may be called from
// several loops at once. Must not return nullptr (the connection is then closed and logged).
using HandlerFactory = std::function<std::unique_ptr<ConnectionHandler>()>;

}  // namespace framekit

#endif  // FRAMEKIT_SERVER_HANDLER_H_

// framekit/benchmarks/encoding/asio_peer.h
//
// Contract: the Boost.Asio peer of the encoding comparison -- the code a C++ user would write with
// Asio instead of framekit, each side with Asio's natural synchronous API, over loopback TCP:
//
//   AsioReceiver   binds 127.0.0.1:0 with an asio acceptor; Receive() accepts one connection and
//                  reads messages until EOF:
//                    kDelimited  asio::read_until(socket, streambuf, '\n') per message, then
//                                streambuf.consume(n)
//                    kLength4    asio::read(socket, buffer(header, 4), transfer_exactly(4)), then
//                                asio::read(socket, buffer(payload), transfer_exactly(length))
//   AsioSendEach   connects with Asio and sends each message with ONE asio::write of a two-buffer
//                  sequence ({payload, "\n"} or {BE32 length, payload}).
//
// Both ends set TCP_NODELAY, as framekit's sockets do, so the two sides differ only in their APIs.
// Boost stays inside asio_peer.cc; this header needs only the standard library.
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_ASIO_PEER_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_ASIO_PEER_H_

#include <cstdint>
#include <memory>
#include <string>

namespace framekit {
namespace encoding_bench {

enum class AsioFraming { kDelimited, kLength4 };

struct ReceiveResult {
  uint64_t messages = 0;
  uint64_t payload_bytes = 0;  // Sum of payload sizes delivered (framing excluded).
  uint64_t checksum = 0;       // Touches every message's first byte so nothing is optimized out.
  double seconds = 0;          // From accept to EOF.
  std::string error;           // Empty on success.
};

class AsioReceiver {
 public:
  AsioReceiver();  // Listens on 127.0.0.1, a port the kernel picks.
  ~AsioReceiver();
  AsioReceiver(const AsioReceiver&) = delete;
  AsioReceiver& operator=(const AsioReceiver&) = delete;

  uint16_t port() const;
  // Accepts one connection and reads framed messages until the peer closes.
  ReceiveResult Receive(AsioFraming framing);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Connects to 127.0.0.1:`port` and sends `payload` as a message with one asio::write per message
// until `max_messages` are sent or `max_seconds` have passed, then shuts down the sending side.
// Returns the number of messages sent (or sets `*error`).
uint64_t AsioSendEach(uint16_t port, AsioFraming framing, const std::string& payload,
                      uint64_t max_messages, double max_seconds, std::string* error);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_ASIO_PEER_H_

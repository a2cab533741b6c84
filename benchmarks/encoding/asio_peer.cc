// framekit/benchmarks/encoding/asio_peer.cc
//
// Contract: see asio_peer.h. Header-only Boost.Asio (Debian libboost-dev), synchronous API only,
// written the way the Asio documentation's blocking examples are.
#include "asio_peer.h"

#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <vector>

namespace framekit {
namespace encoding_bench {

namespace asio = boost::asio;
using asio::ip::tcp;

struct AsioReceiver::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
};

AsioReceiver::AsioReceiver() : impl_(std::make_unique<Impl>()) {}
AsioReceiver::~AsioReceiver() = default;

uint16_t AsioReceiver::port() const { return impl_->acceptor.local_endpoint().port(); }

ReceiveResult AsioReceiver::Receive(AsioFraming framing) {
  ReceiveResult r;
  tcp::socket socket(impl_->io);
  boost::system::error_code ec;
  impl_->acceptor.accept(socket, ec);
  if (ec) {
    r.error = "asio accept: " + ec.message();
    return r;
  }
  socket.set_option(tcp::no_delay(true), ec);
  const auto start = std::chrono::steady_clock::now();
  if (framing == AsioFraming::kDelimited) {
    asio::streambuf buf;
    for (;;) {
      const size_t n = asio::read_until(socket, buf, '\n', ec);
      if (ec) break;
      const char* p = static_cast<const char*>(buf.data().data());
      r.checksum += static_cast<unsigned char>(p[0]);
      r.payload_bytes += n - 1;
      ++r.messages;
      buf.consume(n);
    }
  } else {
    unsigned char header[4];
    std::vector<char> payload;
    for (;;) {
      asio::read(socket, asio::buffer(header, 4), asio::transfer_exactly(4), ec);
      if (ec) break;
      const size_t length = (size_t{header[0]} << 24) | (size_t{header[1]} << 16) |
                            (size_t{header[2]} << 8) | size_t{header[3]};
      if (payload.size() < length) payload.resize(length);
      asio::read(socket, asio::buffer(payload.data(), length), asio::transfer_exactly(length), ec);
      if (ec) break;
      r.checksum += length == 0 ? 0 : static_cast<unsigned char>(payload[0]);
      r.payload_bytes += length;
      ++r.messages;
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (ec != asio::error::eof) r.error = "asio read: " + ec.message();
  return r;
}

uint64_t AsioSendEach(uint16_t port, AsioFraming framing, const std::string& payload,
                      uint64_t max_messages, double max_seconds, std::string* error) {
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) {
    *error = "asio connect: " + ec.message();
    return 0;
  }
  socket.set_option(tcp::no_delay(true), ec);
  unsigned char header[4] = {static_cast<unsigned char>(payload.size() >> 24),
                             static_cast<unsigned char>(payload.size() >> 16),
                             static_cast<unsigned char>(payload.size() >> 8),
                             static_cast<unsigned char>(payload.size())};
  static const char kNewline = '\n';
  std::array<asio::const_buffer, 2> buffers;
  if (framing == AsioFraming::kDelimited) {
    buffers = {asio::buffer(payload), asio::buffer(&kNewline, 1)};
  } else {
    buffers = {asio::buffer(header, 4), asio::buffer(payload)};
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(max_seconds));
  uint64_t sent = 0;
  while (sent < max_messages) {
    asio::write(socket, buffers, ec);  // One write per message: Asio's natural API.
    if (ec) {
      *error = "asio write: " + ec.message();
      break;
    }
    ++sent;
    if ((sent & 255) == 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
  return sent;
}

}  // namespace encoding_bench
}  // namespace framekit

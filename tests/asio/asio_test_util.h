// Helpers for the Asio adapter tests: connected socket pairs (TCP loopback, Unix), payloads every
// framer accepts, and running an io_context with a bound so a broken test fails instead of hanging.
#ifndef FRAMEKIT_TESTS_ASIO_ASIO_TEST_UTIL_H_
#define FRAMEKIT_TESTS_ASIO_ASIO_TEST_UTIL_H_

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/local/connect_pair.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "gtest/gtest.h"

namespace framekit {
namespace asio_testing {

using boost::asio::ip::tcp;
using unix_socket = boost::asio::local::stream_protocol::socket;

// One spec per built-in framer kind, plus the variants whose decoding differs (a multi-byte
// delimiter, a little-endian and an offset header, a varint).
inline std::vector<std::string> AllSpecs() {
  return {"delimiter",      "delimiter:delim=\\r\\n", "fixed:size=64",
          "length:width=4", "length:width=2,order=little", "length:width=4,offset=1",
          "length:width=varint", "ascii:digits=5", "netstring"};
}

inline std::unique_ptr<Framer> MakeFramerOrDie(absl::string_view spec) {
  absl::StatusOr<std::unique_ptr<Framer>> f = MakeFramer(spec);
  EXPECT_TRUE(f.ok()) << spec << ": " << f.status();
  if (!f.ok()) std::abort();
  return *std::move(f);
}

// A gtest-friendly name for a spec: letters and digits only.
inline std::string SpecName(absl::string_view spec) {
  std::string out;
  for (char c : spec) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

// Deterministic payloads the framer of `spec` accepts: exactly 64 bytes for "fixed", lowercase
// letters for "delimiter", empty ones included elsewhere, a few larger than a 16-bit header allows
// only when the header is wider.
inline std::vector<std::string> PayloadsFor(absl::string_view spec, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  const bool letters = absl::StartsWith(spec, "delimiter");
  for (size_t i = 0; i < count; ++i) {
    size_t size;
    if (absl::StartsWith(spec, "fixed")) {
      size = 64;
    } else if (rng() % 10 == 0) {
      size = 0;
    } else if (rng() % 20 == 0) {
      size = 1000 + rng() % 20000;
    } else {
      size = rng() % 300;
    }
    std::string p(size, '\0');
    for (char& c : p) {
      c = letters ? static_cast<char>('a' + rng() % 26) : static_cast<char>(rng());
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Connected TCP loopback sockets.
inline std::pair<tcp::socket, tcp::socket> TcpPair(boost::asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  return {std::move(client), std::move(server)};
}

// Connected Unix-domain sockets, through a listener on an abstract address (a real accept, not a
// socketpair).
inline std::pair<unix_socket, unix_socket> UnixPair(boost::asio::io_context& io) {
  static std::atomic<int> counter{0};
  const std::string name = absl::StrCat(std::string(1, '\0'), "framekit-asio-test-", ::getpid(),
                                        "-", counter++);
  boost::asio::local::stream_protocol::endpoint ep(name);
  boost::asio::local::stream_protocol::acceptor acceptor(io, ep);
  unix_socket client(io);
  client.connect(ep);
  unix_socket server = acceptor.accept();
  return {std::move(client), std::move(server)};
}

// Runs `io` until `done()` or a generous bound (a loaded machine never comes near it); returns
// whether done() became true.
inline bool RunUntil(boost::asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::seconds bound = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  io.restart();
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io.run_one_for(std::chrono::milliseconds(100)) == 0 && io.stopped()) io.restart();
  }
  return done();
}

}  // namespace asio_testing
}  // namespace framekit

#endif  // FRAMEKIT_TESTS_ASIO_ASIO_TEST_UTIL_H_

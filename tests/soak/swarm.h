// framekit/tests/soak/swarm.h
//
// Checks nothing itself: the soak tests' client side. A Swarm drives any number of loopback TCP
// clients of one server from ONE thread with a Poller: non-blocking connects (a bounded number in
// flight), then each client does its part, and every step is bounded by a deadline after which the
// run stops with a diagnostic (per-state counts, the first unfinished clients) instead of hanging.
//
//   kEcho     sends `frames` frames of random sizes (0 .. max, a few exactly max) as one encoded
//             stream cut into random writes (1 byte .. 64 KiB, one write per writable event, so the
//             clients' writes interleave), reads the echoes and checks each, in order, byte for
//             byte. Closing: half-close once every echo came, then expect a clean end of stream and
//             nothing more.
//   kFlood    sends `prefix` then `flood_bytes` bytes of 'x' (no delimiter) as fast as the socket
//             takes them; expects the server to close it (EOF or reset) without a byte of reply.
//   kTrickle  sends `frames` small frames one byte per `trickle_interval`, expects their echoes.
//
// Any deviation (wrong byte, lost or extra frame, early close, connect error) fails the run at once
// naming the client. Payload byte j of frame f of client c is a function of (c, f, j), so the echo
// is checked without keeping a copy of what was sent.
#ifndef FRAMEKIT_TESTS_SOAK_SWARM_H_
#define FRAMEKIT_TESTS_SOAK_SWARM_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/transport/address.h"
#include "framekit/transport/poller.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {
namespace soak {

class Swarm {
 public:
  enum class Kind { kEcho, kFlood, kTrickle };
  enum class State { kIdle, kConnecting, kOpen, kHalfClosed, kDone };

  struct Options {
    SocketAddress server;
    const Framer* framer = nullptr;
    // Payloads avoid this byte (the delimiter framer's '\n'); -1 for none.
    int forbidden_byte = -1;
    // Largest payload (the server's max); every 50th echo client sends one of exactly this size.
    size_t max_payload = 64 * 1024;
    uint64_t seed = 1;
    // Connects in flight at once (more would overflow the server's listen backlog and wait for SYN
    // retransmits).
    int max_connecting = 100;
    absl::Duration trickle_interval = absl::Milliseconds(100);
    // Echo clients half-close as soon as their echoes are in (rather than in Close()): frees the
    // server's descriptor at once.
    bool close_when_echoed = false;
    // Called about every 100 ms while running (to sample the server).
    std::function<void()> sampler;
  };

  struct Client {
    int id = 0;
    Kind kind = Kind::kEcho;
    State state = State::kIdle;
    SocketFd fd;
    uint32_t interest = 0;
    std::string local;  // "127.0.0.1:PORT", how the server logs it
    std::mt19937_64 rng;
    // Sending.
    std::string wire;  // encoded stream (echo, trickle) or prefix (flood)
    size_t sent = 0;
    uint64_t flood_left = 0;
    uint64_t flood_sent = 0;
    uint64_t writes = 0;
    absl::Time next_tick;
    // Receiving.
    std::vector<uint32_t> sizes;  // payload sizes, in order
    size_t received = 0;          // frames echoed and checked
    uint64_t bytes_received = 0;
    std::unique_ptr<Decoder> decoder;
    bool closed_by_server = false;
    absl::Time finished = absl::InfiniteFuture();  // last echo checked, or closed by the server
  };

  explicit Swarm(Options options);
  ~Swarm();

  // Adds a client; returns its id. Echo/trickle payloads are generated here.
  int AddEcho(int frames);
  int AddFlood(std::string prefix, uint64_t flood_bytes);
  int AddTrickle(int frames, size_t payload_size);

  // Connects every client (none sends yet).
  absl::Status Connect(absl::Time deadline);
  // Every client sends; returns once every echo came back and every flood client was closed.
  absl::Status Exchange(absl::Time deadline);
  // Echo and trickle clients half-close and wait for the server's clean end of stream.
  absl::Status Close(absl::Time deadline);

  const std::vector<std::unique_ptr<Client>>& clients() const { return clients_; }
  uint64_t frames_echoed() const { return frames_echoed_; }
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_echoed() const { return bytes_echoed_; }
  int open_clients() const { return open_; }

  // Payload byte `j` of frame `f` of client `c`.
  char PayloadByte(int c, size_t f, size_t j) const;

 private:
  absl::Status Run(const char* phase, const std::function<bool()>& done, absl::Time deadline);
  void StartConnects();
  void OnEvent(Client& c, const Poller::Event& e);
  void OnReadable(Client& c);
  void OnWritable(Client& c);
  void Tick(absl::Time now);
  void HalfClose(Client& c);
  void CloseFinished();
  void Finish(Client& c);
  void Update(Client& c);
  void Fail(Client& c, const std::string& what);
  std::string Diagnose(const char* phase) const;
  bool WantsWrite(const Client& c) const;

  Options options_;
  std::optional<Poller> poller_;
  std::vector<std::unique_ptr<Client>> clients_;
  size_t next_to_connect_ = 0;
  int connecting_ = 0;
  int open_ = 0;
  bool sending_ = false;
  bool closing_ = false;
  absl::Status error_;
  std::string read_buffer_;
  std::string flood_chunk_;
  std::string expected_;  // scratch for one expected payload
  uint64_t frames_echoed_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_echoed_ = 0;
};

}  // namespace soak
}  // namespace framekit

#endif  // FRAMEKIT_TESTS_SOAK_SWARM_H_

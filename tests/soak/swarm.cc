// framekit/tests/soak/swarm.cc -- see swarm.h.
#include "framekit/tests/soak/swarm.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "framekit/transport/tcp.h"

namespace framekit {
namespace soak {
namespace {

constexpr size_t kReadSize = 64 * 1024;

const char* StateName(Swarm::State s) {
  switch (s) {
    case Swarm::State::kIdle:
      return "idle";
    case Swarm::State::kConnecting:
      return "connecting";
    case Swarm::State::kOpen:
      return "open";
    case Swarm::State::kHalfClosed:
      return "half-closed";
    case Swarm::State::kDone:
      return "done";
  }
  return "?";
}

const char* KindName(Swarm::Kind k) {
  switch (k) {
    case Swarm::Kind::kEcho:
      return "echo";
    case Swarm::Kind::kFlood:
      return "flood";
    case Swarm::Kind::kTrickle:
      return "trickle";
  }
  return "?";
}

bool PeerGone(int err) { return err == ECONNRESET || err == EPIPE; }

}  // namespace

Swarm::Swarm(Options options) : options_(std::move(options)) {
  absl::StatusOr<Poller> poller = Poller::Create();
  if (poller.ok()) {
    poller_.emplace(std::move(*poller));
  } else {
    error_ = poller.status();
  }
  read_buffer_.resize(kReadSize);
  flood_chunk_.assign(kReadSize, 'x');
}

Swarm::~Swarm() {
  for (auto& c : clients_) {
    if (c->fd.valid() && poller_.has_value()) (void)poller_->Remove(c->fd.get());
  }
}

char Swarm::PayloadByte(int c, size_t f, size_t j) const {
  uint32_t x = static_cast<uint32_t>(c) * 2654435761u ^ static_cast<uint32_t>(f) * 40503u ^
               static_cast<uint32_t>(j) * 97u ^ static_cast<uint32_t>(j >> 7);
  char b = static_cast<char>((x ^ (x >> 13)) & 0xff);
  if (options_.forbidden_byte >= 0 && b == static_cast<char>(options_.forbidden_byte)) b = 'N';
  return b;
}

int Swarm::AddEcho(int frames) {
  auto c = std::make_unique<Client>();
  c->id = static_cast<int>(clients_.size());
  c->kind = Kind::kEcho;
  c->rng.seed(options_.seed * 1000003u + static_cast<uint64_t>(c->id));
  c->decoder = options_.framer->NewDecoder();
  const size_t max = options_.max_payload;
  std::string payload;
  for (int f = 0; f < frames; ++f) {
    // Mostly small, a quarter medium, a few large; every 50th client sends one of exactly max.
    uint64_t r = c->rng() % 100;
    size_t size = r < 70 ? c->rng() % 257
                  : r < 95
                      ? 257 + c->rng() % 3840
                      : 4097 + c->rng() % std::max<size_t>(1, std::min<size_t>(max, 16384) - 4096);
    if (c->id % 50 == 0 && f == frames / 2) size = max;
    size = std::min(size, max);
    payload.resize(size);
    for (size_t j = 0; j < size; ++j) payload[j] = PayloadByte(c->id, f, j);
    absl::Status s = options_.framer->Encode(payload, &c->wire);
    if (!s.ok() && error_.ok()) error_ = s;
    c->sizes.push_back(static_cast<uint32_t>(size));
  }
  clients_.push_back(std::move(c));
  return clients_.back()->id;
}

int Swarm::AddFlood(std::string prefix, uint64_t flood_bytes) {
  auto c = std::make_unique<Client>();
  c->id = static_cast<int>(clients_.size());
  c->kind = Kind::kFlood;
  c->wire = std::move(prefix);
  c->flood_left = flood_bytes;
  clients_.push_back(std::move(c));
  return clients_.back()->id;
}

int Swarm::AddTrickle(int frames, size_t payload_size) {
  auto c = std::make_unique<Client>();
  c->id = static_cast<int>(clients_.size());
  c->kind = Kind::kTrickle;
  c->decoder = options_.framer->NewDecoder();
  std::string payload(payload_size, '\0');
  for (int f = 0; f < frames; ++f) {
    for (size_t j = 0; j < payload_size; ++j) payload[j] = PayloadByte(c->id, f, j);
    absl::Status s = options_.framer->Encode(payload, &c->wire);
    if (!s.ok() && error_.ok()) error_ = s;
    c->sizes.push_back(static_cast<uint32_t>(payload_size));
  }
  clients_.push_back(std::move(c));
  return clients_.back()->id;
}

void Swarm::Fail(Client& c, const std::string& what) {
  if (!error_.ok()) return;
  error_ = absl::InternalError(absl::StrCat(
      KindName(c.kind), " client ", c.id, " (", c.local.empty() ? "unconnected" : c.local, ", ",
      StateName(c.state), ", ", c.received, "/", c.sizes.size(), " frames back, ", c.sent, "/",
      c.wire.size(), " bytes sent): ", what));
}

void Swarm::StartConnects() {
  while (connecting_ < options_.max_connecting && next_to_connect_ < clients_.size() &&
         error_.ok()) {
    Client& c = *clients_[next_to_connect_++];
    c.fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!c.fd.valid()) return Fail(c, absl::StrCat("socket: ", strerror(errno)));
    (void)SetTcpNoDelay(c.fd.get());  // every random split goes out as its own segment
    int rc = ::connect(c.fd.get(), options_.server.get(), options_.server.size());
    if (rc != 0 && errno != EINPROGRESS) return Fail(c, absl::StrCat("connect: ", strerror(errno)));
    c.state = State::kConnecting;
    c.interest = Poller::kWritable;
    ++connecting_;
    absl::Status s = poller_->Add(c.fd.get(), c.interest, &c);
    if (!s.ok()) return Fail(c, s.ToString());
  }
}

bool Swarm::WantsWrite(const Client& c) const {
  if (!sending_ || c.state != State::kOpen) return false;
  switch (c.kind) {
    case Kind::kEcho:
      return c.sent < c.wire.size();
    case Kind::kFlood:
      return c.sent < c.wire.size() || c.flood_left > 0;
    case Kind::kTrickle:
      return false;  // written by Tick()
  }
  return false;
}

void Swarm::Update(Client& c) {
  if (c.state == State::kDone || c.state == State::kIdle || c.state == State::kConnecting) return;
  uint32_t want = Poller::kReadable | (WantsWrite(c) ? uint32_t{Poller::kWritable} : 0u);
  if (want == c.interest) return;
  absl::Status s = poller_->Modify(c.fd.get(), want, &c);
  if (!s.ok()) return Fail(c, s.ToString());
  c.interest = want;
}

void Swarm::Finish(Client& c) {
  (void)poller_->Remove(c.fd.get());
  c.fd.reset();
  c.state = State::kDone;
  --open_;
  if (c.kind == Kind::kFlood) c.finished = absl::Now();
}

void Swarm::HalfClose(Client& c) {
  if (::shutdown(c.fd.get(), SHUT_WR) != 0) {
    return Fail(c, absl::StrCat("shutdown: ", strerror(errno)));
  }
  c.state = State::kHalfClosed;
}

void Swarm::OnEvent(Client& c, const Poller::Event& e) {
  if (c.state == State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return Fail(c, absl::StrCat("connect: ", strerror(err)));
    if (!e.writable && !e.hangup && !e.error) return;
    absl::StatusOr<SocketAddress> local = SocketAddress::LocalOf(c.fd.get());
    c.local = local.ok() ? local->ToString() : "?";
    c.state = State::kOpen;
    --connecting_;
    ++open_;
    Update(c);
    return;
  }
  if (e.readable || e.hangup || e.error) OnReadable(c);
  if (!error_.ok() || c.state == State::kDone) return;
  if (e.writable && WantsWrite(c)) OnWritable(c);
  if (!error_.ok() || c.state == State::kDone) return;
  Update(c);
}

void Swarm::OnReadable(Client& c) {
  ssize_t n = ::recv(c.fd.get(), read_buffer_.data(), read_buffer_.size(), MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (c.kind == Kind::kFlood && PeerGone(errno)) {
      c.closed_by_server = true;
      return Finish(c);
    }
    return Fail(c, absl::StrCat("recv: ", strerror(errno)));
  }
  if (n == 0) {
    if (c.kind == Kind::kFlood) {
      c.closed_by_server = true;
      return Finish(c);
    }
    if (c.state == State::kHalfClosed && c.received == c.sizes.size() &&
        c.decoder->buffered_bytes() == 0) {
      return Finish(c);
    }
    return Fail(c, "the server closed the connection early");
  }
  c.bytes_received += static_cast<uint64_t>(n);
  if (c.kind == Kind::kFlood) {
    return Fail(c, absl::StrCat("the server replied ", n, " bytes to a flooding client"));
  }
  (void)c.decoder->Feed(absl::string_view(read_buffer_.data(), static_cast<size_t>(n)));
  absl::string_view frame;
  for (;;) {
    Decoder::Result r = c.decoder->Next(&frame);
    if (r == Decoder::kNeedMore) break;
    if (r == Decoder::kError) return Fail(c, c.decoder->status().ToString());
    if (c.received >= c.sizes.size()) {
      return Fail(c, absl::StrCat("an extra frame of ", frame.size(), " bytes"));
    }
    const size_t f = c.received;
    expected_.resize(c.sizes[f]);
    for (size_t j = 0; j < expected_.size(); ++j) expected_[j] = PayloadByte(c.id, f, j);
    if (frame != expected_) {
      size_t at = 0;
      while (at < frame.size() && at < expected_.size() && frame[at] == expected_[at]) ++at;
      return Fail(c, absl::StrCat("frame ", f, " differs: ", frame.size(), " bytes back, ",
                                  expected_.size(), " sent, first difference at byte ", at));
    }
    ++c.received;
    ++frames_echoed_;
    bytes_echoed_ += frame.size();
    if (c.received == c.sizes.size()) {
      c.finished = absl::Now();
      if (options_.close_when_echoed && c.sent == c.wire.size()) HalfClose(c);
    }
  }
}

void Swarm::OnWritable(Client& c) {
  absl::string_view chunk;
  if (c.sent < c.wire.size()) {
    size_t left = c.wire.size() - c.sent;
    size_t n = left;
    if (c.kind == Kind::kEcho) {
      // Random cuts: a quarter tiny (splitting headers), half under a packet, a quarter large.
      uint64_t r = c.rng() % 4;
      n = r == 0 ? 1 + c.rng() % 8 : r < 3 ? 1 + c.rng() % 1500 : 1 + c.rng() % 65536;
    }
    chunk = absl::string_view(c.wire).substr(c.sent, std::min(n, left));
  } else {
    chunk = absl::string_view(flood_chunk_).substr(0, std::min<uint64_t>(c.flood_left, kReadSize));
  }
  ssize_t n = ::send(c.fd.get(), chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (c.kind == Kind::kFlood && PeerGone(errno)) {
      c.closed_by_server = true;
      return Finish(c);
    }
    return Fail(c, absl::StrCat("send: ", strerror(errno)));
  }
  ++c.writes;
  bytes_sent_ += static_cast<uint64_t>(n);
  if (c.sent < c.wire.size()) {
    c.sent += static_cast<size_t>(n);
  } else {
    c.flood_left -= static_cast<uint64_t>(n);
    c.flood_sent += static_cast<uint64_t>(n);
  }
  if (c.kind == Kind::kEcho && c.sent == c.wire.size() && options_.close_when_echoed &&
      c.received == c.sizes.size()) {
    HalfClose(c);
  }
}

void Swarm::Tick(absl::Time now) {
  if (!sending_) return;
  for (auto& p : clients_) {
    Client& c = *p;
    if (c.kind != Kind::kTrickle || c.state != State::kOpen || c.sent == c.wire.size() ||
        now < c.next_tick) {
      continue;
    }
    ssize_t n = ::send(c.fd.get(), c.wire.data() + c.sent, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Fail(c, absl::StrCat("send: ", strerror(errno)));
    }
    if (n == 1) {
      ++c.sent;
      ++c.writes;
      ++bytes_sent_;
    }
    c.next_tick = now + options_.trickle_interval;
  }
}

void Swarm::CloseFinished() {
  for (auto& p : clients_) {
    Client& c = *p;
    if (c.kind != Kind::kFlood && c.state == State::kOpen && c.sent == c.wire.size() &&
        c.received == c.sizes.size()) {
      HalfClose(c);
      if (!error_.ok()) return;
    }
  }
}

absl::Status Swarm::Run(const char* phase, const std::function<bool()>& done, absl::Time deadline) {
  std::vector<Poller::Event> events;
  absl::Time next_sample = absl::Now();
  for (;;) {
    StartConnects();
    if (error_.ok()) Tick(absl::Now());
    if (error_.ok() && closing_) CloseFinished();
    if (!error_.ok() || done()) break;
    absl::Time now = absl::Now();
    if (now > deadline) return absl::DeadlineExceededError(Diagnose(phase));
    if (now >= next_sample) {
      if (options_.sampler) options_.sampler();
      next_sample = now + absl::Milliseconds(100);
    }
    absl::Time wake = std::min(deadline, next_sample);
    if (sending_) wake = std::min(wake, now + options_.trickle_interval / 4);
    absl::Status s = poller_->Wait(wake, &events);
    if (!s.ok()) return s;
    for (const Poller::Event& e : events) {
      Client& c = *static_cast<Client*>(e.pointer());
      if (c.state != State::kDone) OnEvent(c, e);
      if (!error_.ok()) break;
    }
  }
  if (options_.sampler) options_.sampler();
  if (!error_.ok()) return absl::Status(error_.code(), absl::StrCat(phase, ": ", error_.message()));
  return absl::OkStatus();
}

absl::Status Swarm::Connect(absl::Time deadline) {
  if (!error_.ok()) return error_;
  return Run(
      "connect", [&] { return next_to_connect_ == clients_.size() && connecting_ == 0; }, deadline);
}

absl::Status Swarm::Exchange(absl::Time deadline) {
  sending_ = true;
  const absl::Time now = absl::Now();
  for (auto& p : clients_) {
    p->next_tick = now;
    Update(*p);
  }
  return Run(
      "exchange",
      [&] {
        for (const auto& p : clients_) {
          const Client& c = *p;
          if (c.kind == Kind::kFlood ? c.state != State::kDone : c.received < c.sizes.size()) {
            return false;
          }
        }
        return true;
      },
      deadline);
}

absl::Status Swarm::Close(absl::Time deadline) {
  closing_ = true;
  return Run(
      "close",
      [&] {
        for (const auto& p : clients_) {
          if (p->state != State::kDone) return false;
        }
        return true;
      },
      deadline);
}

std::string Swarm::Diagnose(const char* phase) const {
  int by_state[5] = {};
  size_t echoed = 0, total = 0;
  for (const auto& p : clients_) {
    ++by_state[static_cast<int>(p->state)];
    echoed += p->received;
    total += p->sizes.size();
  }
  std::string text = absl::StrCat(
      "deadline passed in ", phase, ": ", clients_.size(), " clients: ", by_state[0], " idle, ",
      by_state[1], " connecting, ", by_state[2], " open, ", by_state[3], " half-closed, ",
      by_state[4], " done; ", echoed, " of ", total, " frames echoed. Unfinished:");
  int shown = 0;
  const std::string name = phase;
  for (const auto& p : clients_) {
    const Client& c = *p;
    bool finished = name == "connect" ? c.state != State::kIdle && c.state != State::kConnecting
                    : name == "close" || c.kind == Kind::kFlood ? c.state == State::kDone
                                                                : c.received == c.sizes.size();
    if (finished || shown >= 8) continue;
    ++shown;
    absl::StrAppend(&text, "\n  ", KindName(c.kind), " client ", c.id, " ", c.local, " ",
                    StateName(c.state), ": ", c.sent, "/", c.wire.size(), " bytes sent, ",
                    c.received, "/", c.sizes.size(), " frames back, ", c.bytes_received,
                    " bytes read, ", c.decoder ? c.decoder->buffered_bytes() : 0,
                    " bytes buffered");
  }
  return text;
}

}  // namespace soak
}  // namespace framekit

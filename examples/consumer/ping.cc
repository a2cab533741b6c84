#include "ping.h"

#include <memory>

#include "framekit/framing/framer_spec.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/unix_socket.h"

absl::StatusOr<std::vector<std::string>> RoundTrip(absl::string_view spec,
                                                   const std::vector<std::string>& messages) {
  absl::StatusOr<std::unique_ptr<framekit::Framer>> framer = framekit::MakeFramer(spec);
  if (!framer.ok()) return framer.status();
  auto pair = framekit::SocketPair();
  if (!pair.ok()) return pair.status();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);

  std::string wire;
  for (const std::string& m : messages) {
    if (absl::Status s = (*framer)->Encode(m, &wire); !s.ok()) return s;
  }
  if (absl::Status s = framekit::WriteAll(pair->first.get(), wire, deadline); !s.ok()) return s;
  if (absl::Status s = framekit::ShutdownWrite(pair->first.get()); !s.ok()) return s;

  std::unique_ptr<framekit::Decoder> decoder = (*framer)->NewDecoder();
  std::vector<std::string> received;
  for (;;) {
    absl::Span<char> space = decoder->PrepareWrite(4096);
    absl::StatusOr<size_t> n = framekit::ReadSome(pair->second.get(), space, deadline);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    decoder->CommitWrite(*n);
    absl::string_view frame;
    framekit::Decoder::Result r;
    while ((r = decoder->Next(&frame)) == framekit::Decoder::kFrame) received.emplace_back(frame);
    if (r == framekit::Decoder::kError) return decoder->status();
  }
  if (absl::Status s = decoder->Finish(); !s.ok()) return s;
  return received;
}

// NextBatch() must give exactly what repeated Next() gives: the same frames in the same order, the
// same errors (skipped too-long frames included) at the same points, the same final state -- for
// every framer, however the stream is cut and whatever the batch size. DelimiterDecoder overrides
// it with a window scan, so most cases here aim at that one.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

// One thing a decoder said: a frame (its bytes) or an error (code and message).
std::vector<std::string> Drive(const Framer& framer, absl::string_view stream,
                               const std::vector<size_t>& chunks, size_t batch) {
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  std::vector<std::string> events;
  std::vector<absl::string_view> views(std::max<size_t>(batch, 1));
  size_t off = 0;
  size_t i = 0;
  bool dead = false;
  while (off < stream.size() && !dead) {
    const size_t n = std::min(chunks[i++ % chunks.size()], stream.size() - off);
    EXPECT_TRUE(decoder->Feed(stream.substr(off, n)).ok());
    off += n;
    for (;;) {
      Decoder::Result r;
      if (batch == 0) {
        r = decoder->Next(&views[0]);
        if (r == Decoder::kFrame) events.push_back(absl::StrCat("F:", views[0]));
      } else {
        const size_t got = decoder->NextBatch(absl::MakeSpan(views), &r);
        EXPECT_LE(got, views.size());
        if (r == Decoder::kFrame) {
          EXPECT_EQ(got, views.size());
        }
        for (size_t k = 0; k < got; ++k) events.push_back(absl::StrCat("F:", views[k]));
      }
      if (r == Decoder::kNeedMore) break;
      if (r == Decoder::kError) {
        events.push_back(absl::StrCat("E:", decoder->status().ToString()));
        if (decoder->failed()) {
          dead = true;
          break;
        }
      }
    }
  }
  events.push_back(absl::StrCat("End:", decoder->Finish().ToString(), " offset ",
                                decoder->stream_offset(), " buffered ", decoder->buffered_bytes()));
  return events;
}

std::string Line(absl::BitGen& gen, size_t size) {
  std::string s(size, 'a');
  for (char& c : s) c = static_cast<char>(absl::Uniform<int>(gen, 'a', 'z' + 1));
  return s;
}

// Lines mostly short, some long (past a 64-byte window, past memchr's switch), some over `max`.
std::string DelimitedStream(absl::BitGen& gen, absl::string_view delim, size_t lines, size_t max) {
  std::string s;
  for (size_t i = 0; i < lines; ++i) {
    size_t size;
    const int kind = absl::Uniform(gen, 0, 20);
    if (kind < 14)
      size = absl::Uniform<size_t>(gen, 0, 40);
    else if (kind < 18)
      size = absl::Uniform<size_t>(gen, 40, 400);
    else if (kind < 19)
      size = max;  // Exactly the max: allowed.
    else
      size = max + absl::Uniform<size_t>(gen, 1, 3000);  // Over it.
    s += Line(gen, size);
    s.append(delim.data(), delim.size());
  }
  return s;
}

void ExpectSameAsNext(const std::string& spec, const std::string& stream, absl::BitGen& gen) {
  auto framer = MakeFramer(spec);
  ASSERT_TRUE(framer.ok()) << framer.status();
  std::vector<size_t> chunks;
  for (int i = 0; i < 8; ++i) {
    chunks.push_back(absl::Bernoulli(gen, 0.3) ? absl::Uniform<size_t>(gen, 1, 70)
                                               : absl::Uniform<size_t>(gen, 1, 70000));
  }
  const std::vector<std::string> want = Drive(**framer, stream, chunks, 0);
  for (size_t batch : {1, 2, 3, 7, 64, 1000}) {
    const std::vector<std::string> got = Drive(**framer, stream, chunks, batch);
    ASSERT_EQ(got.size(), want.size()) << spec << " batch " << batch;
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_EQ(got[k], want[k]) << spec << " batch " << batch << " event " << k;
    }
  }
}

TEST(NextBatchTest, DelimiterSameAsNext) {
  absl::BitGen gen;
  for (int round = 0; round < 30; ++round) {
    const std::string stream = DelimitedStream(gen, "\n", 400, 300);
    ExpectSameAsNext("delimiter:max=300", stream, gen);
    ExpectSameAsNext("delimiter:max=300,too_long=skip", stream, gen);
    ExpectSameAsNext("delimiter", stream, gen);
  }
}

TEST(NextBatchTest, DelimiterTinyMax) {
  absl::BitGen gen;
  for (int round = 0; round < 20; ++round) {
    const std::string stream = DelimitedStream(gen, "\n", 300, 3);
    ExpectSameAsNext("delimiter:max=3", stream, gen);
    ExpectSameAsNext("delimiter:max=3,too_long=skip", stream, gen);
  }
}

TEST(NextBatchTest, DelimiterUnterminatedTail) {
  absl::BitGen gen;
  const std::string stream = DelimitedStream(gen, "\n", 200, 300) + Line(gen, 150);
  ExpectSameAsNext("delimiter:max=300", stream, gen);
}

TEST(NextBatchTest, EmptyLinesBackToBack) {
  absl::BitGen gen;
  ExpectSameAsNext("delimiter", std::string(5000, '\n'), gen);
}

TEST(NextBatchTest, OtherDelimiterModesSameAsNext) {
  absl::BitGen gen;
  for (int round = 0; round < 10; ++round) {
    ExpectSameAsNext("delimiter:delim=\\r\\n,max=300", DelimitedStream(gen, "\r\n", 300, 300), gen);
    ExpectSameAsNext("delimiter:delim=\\r\\n,delim=\\n,max=300,too_long=skip",
                     DelimitedStream(gen, "\n", 300, 300), gen);
  }
}

TEST(NextBatchTest, OtherFramersSameAsNext) {
  absl::BitGen gen;
  for (const char* spec : {"length:width=4,max=300", "length:width=varint,max=300,too_long=skip",
                           "ascii:digits=5,max=300", "netstring:max=300", "fixed:size=16"}) {
    auto framer = MakeFramer(spec);
    ASSERT_TRUE(framer.ok()) << framer.status();
    std::string stream;
    for (int i = 0; i < 300; ++i) {
      const size_t size = absl::string_view(spec).substr(0, 5) == "fixed"
                              ? absl::Uniform<size_t>(gen, 0, 17)
                              : absl::Uniform<size_t>(gen, 0, 310);
      if (!(*framer)->Encode(Line(gen, size), &stream).ok()) continue;
    }
    stream += "\xff\xff\xff\xff\xff garbage";
    ExpectSameAsNext(spec, stream, gen);
  }
}

// A full span stops the batch mid-window; the rest comes out of the next call, nothing lost.
TEST(NextBatchTest, FullSpanResumes) {
  auto framer = MakeFramer("delimiter");
  ASSERT_TRUE(framer.ok());
  std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
  std::string stream;
  for (int i = 0; i < 100; ++i) stream += absl::StrCat(i, "\n");
  ASSERT_TRUE(decoder->Feed(stream).ok());
  absl::string_view views[7];
  std::vector<std::string> got;
  Decoder::Result r;
  size_t n;
  while ((n = decoder->NextBatch(absl::MakeSpan(views), &r)), r == Decoder::kFrame) {
    EXPECT_EQ(n, 7u);
    for (size_t k = 0; k < n; ++k) got.emplace_back(views[k]);
  }
  EXPECT_EQ(r, Decoder::kNeedMore);
  for (size_t k = 0; k < n; ++k) got.emplace_back(views[k]);
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[i], absl::StrCat(i));
  EXPECT_TRUE(decoder->Finish().ok());
}

}  // namespace
}  // namespace framekit

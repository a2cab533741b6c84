// MakeFramer / config files: every documented spelling builds the framer it names (checked by
// what that framer puts on the wire), every canonical spec parses back to an equal framer, and
// every error path names the offender.
#include "framekit/framing/framer_spec.h"

#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/framing/testing/decode_helpers.h"

namespace framekit {
namespace {

using ::testing::TestWithParam;
using ::testing::ValuesIn;

struct Spelling {
  const char* spec;
  const char* kind;
  std::string wire_for_hi;  // Encode("hi")
};

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

const Spelling kSpellings[] = {
    {"delimiter", "delimiter", "hi\n"},
    {"delimiter:delim=\\r\\n,max=1024", "delimiter", "hi\r\n"},
    {"delimiter:delim=\\r\\n,delim=\\n", "delimiter", "hi\r\n"},
    {"fixed:size=16", "fixed", ""},  // "hi" is refused: no padding configured.
    {"fixed:size=16,pad=0x20", "fixed", "hi              "},
    {"length:width=4,order=big", "length", Bytes({0, 0, 0, 2, 'h', 'i'})},
    {"length:width=2,order=little", "length", Bytes({2, 0, 'h', 'i'})},
    {"length:width=varint", "length", Bytes({2, 'h', 'i'})},
    {"length:width=4,offset=1,max=4MiB", "length", Bytes({0, 0, 0, 0, 2, 'h', 'i'})},
    {"ascii:digits=5", "ascii", "00002hi"},
    {"netstring", "netstring", "2:hi,"},
    {"netstring:max=64KiB", "netstring", "2:hi,"},
};

class SpellingTest : public TestWithParam<Spelling> {};

TEST_P(SpellingTest, BuildsTheFramerItNames) {
  const Spelling& s = GetParam();
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(s.spec);
  ASSERT_TRUE(framer.ok()) << s.spec << ": " << framer.status();
  EXPECT_EQ((*framer)->kind(), s.kind);
  std::string wire;
  absl::Status encoded = (*framer)->Encode("hi", &wire);
  if (s.wire_for_hi.empty()) {
    EXPECT_FALSE(encoded.ok());
  } else {
    ASSERT_TRUE(encoded.ok()) << encoded;
    EXPECT_EQ(wire, s.wire_for_hi);
    testing::DecodeOutcome out = testing::DecodeWhole(**framer, wire);
    ASSERT_TRUE(out.status.ok()) << out.status;
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_TRUE(absl::StartsWith(out.frames[0], "hi"));
  }
}

// MakeFramer(spec), then MakeFramer(that framer's Spec()), which must print the same spec. A
// member is null where its MakeFramer failed (a failure is recorded).
struct Rebuilt {
  std::unique_ptr<Framer> first;
  std::unique_ptr<Framer> again;
};

Rebuilt RebuildFromCanonicalSpec(absl::string_view spec) {
  Rebuilt r;
  absl::StatusOr<std::unique_ptr<Framer>> first = MakeFramer(spec);
  if (!first.ok()) {
    ADD_FAILURE() << spec << ": " << first.status();
    return r;
  }
  r.first = *std::move(first);
  const std::string canonical = r.first->Spec();
  absl::StatusOr<std::unique_ptr<Framer>> again = MakeFramer(canonical);
  if (!again.ok()) {
    ADD_FAILURE() << canonical << ": " << again.status();
    return r;
  }
  r.again = *std::move(again);
  EXPECT_EQ(r.again->Spec(), canonical);
  return r;
}

TEST_P(SpellingTest, CanonicalSpecParsesBackToAnEqualFramer) {
  Rebuilt r = RebuildFromCanonicalSpec(GetParam().spec);
  ASSERT_NE(r.again, nullptr);
  EXPECT_TRUE(*r.first == *r.again) << r.first->Spec() << " vs " << r.again->Spec();
}

INSTANTIATE_TEST_SUITE_P(EveryDocumentedSpelling, SpellingTest, ValuesIn(kSpellings));

TEST(MakeFramer, MaxKeyIsHonoured) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("delimiter:delim=\\r\\n,max=1024");
  ASSERT_TRUE(framer.ok());
  EXPECT_EQ((*framer)->max_payload_size(), 1024u);
  framer = MakeFramer("length:width=4,offset=1,max=4MiB");
  ASSERT_TRUE(framer.ok());
  EXPECT_EQ((*framer)->max_payload_size(), 4u << 20);
  framer = MakeFramer("netstring:max=64KiB");
  ASSERT_TRUE(framer.ok());
  EXPECT_EQ((*framer)->max_payload_size(), 64u << 10);
}

TEST(MakeFramer, TwoDelimitersEarliestMatchWins) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("delimiter:delim=\\r\\n,delim=\\n");
  ASSERT_TRUE(framer.ok());
  testing::DecodeOutcome out = testing::DecodeWhole(**framer, "ABC\r\nDEF\n");
  EXPECT_TRUE(out.status.ok()) << out.status;
  EXPECT_EQ(out.frames, (std::vector<std::string>{"ABC", "DEF"}));
}

TEST(MakeFramer, FixedSizeIsHonoured) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("fixed:size=16");
  ASSERT_TRUE(framer.ok()) << framer.status();
  EXPECT_EQ((*framer)->max_payload_size(), 16u);
  std::string wire;
  ASSERT_TRUE((*framer)->Encode("0123456789abcdef", &wire).ok());
  EXPECT_EQ(wire, "0123456789abcdef");  // Exactly 16 bytes, nothing added.
  EXPECT_FALSE((*framer)->Encode("0123456789abcde", &wire).ok());    // 15: no pad configured.
  EXPECT_FALSE((*framer)->Encode("0123456789abcdefg", &wire).ok());  // 17: always refused.
  testing::DecodeOutcome out = testing::DecodeWhole(**framer, std::string(32, 'x') + "tail");
  EXPECT_EQ(out.frames, (std::vector<std::string>{std::string(16, 'x'), std::string(16, 'x')}));
  EXPECT_EQ(out.status.code(), absl::StatusCode::kDataLoss);  // "tail" is 4 of 16 bytes.
}

// Each spec sets a key away from its default, and the stream shows the difference: a factory that
// dropped the key, or a canonical Spec() that left it out, fails here.
struct KeyCase {
  const char* spec;
  std::string hi_wire;  // Encode("hi"); empty: refused.
  std::string stream;
  std::vector<std::string> frames;
  std::vector<absl::StatusCode> reported;
};

const absl::StatusCode kTooLarge = absl::StatusCode::kResourceExhausted;

const KeyCase kKeyCases[] = {
    // strip=0 delivers the header too; strip=1 only the offset byte before the length field.
    {"length:width=4,strip=0",
     Bytes({0, 0, 0, 2, 'h', 'i'}),
     Bytes({0, 0, 0, 2, 'h', 'i'}),
     {Bytes({0, 0, 0, 2, 'h', 'i'})},
     {}},
    {"length:width=4,offset=1,strip=1",
     Bytes({0, 0, 0, 0, 2, 'h', 'i'}),
     Bytes({7, 0, 0, 0, 2, 'h', 'i'}),
     {Bytes({0, 0, 0, 2, 'h', 'i'})},
     {}},
    // A field that counts its own 2 bytes.
    {"length:width=2,adjust=-2",
     Bytes({0, 4, 'h', 'i'}),
     Bytes({0, 4, 'h', 'i', 0, 2}),
     {"hi", ""},
     {}},
    {"length:width=4,order=little",
     Bytes({2, 0, 0, 0, 'h', 'i'}),
     Bytes({2, 0, 0, 0, 'h', 'i'}),
     {"hi"},
     {}},
    {"length:width=8",
     Bytes({0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'}),
     Bytes({0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'}),
     {"hi"},
     {}},
    {"length:width=1,max=2,too_long=skip",
     Bytes({2, 'h', 'i'}),
     Bytes({3, 'a', 'b', 'c', 2, 'h', 'i'}),
     {"hi"},
     {kTooLarge}},
    {"ascii:digits=3", "002hi", "002hi000", {"hi", ""}, {}},
    {"ascii:digits=2,max=3,too_long=skip", "02hi", "05hello02hi", {"hi"}, {kTooLarge}},
    {"netstring:max=3,too_long=skip", "2:hi,", "5:hello,2:hi,", {"hi"}, {kTooLarge}},
    {"delimiter:max=3,too_long=skip", "hi\n", "hello\nhi\n", {"hi"}, {kTooLarge}},
    {"delimiter:delim=\\x23", "hi#", "hi#a#", {"hi", "a"}, {}},
    {"fixed:size=4,pad=0x2E", "hi..", "hi..ab..", {"hi..", "ab.."}, {}},
};

void PrintTo(const KeyCase& c, std::ostream* os) { *os << c.spec; }

class KeyTest : public TestWithParam<KeyCase> {};

void ExpectKeyCaseBehaviour(const Framer& framer, const KeyCase& c) {
  std::string wire;
  absl::Status encoded = framer.Encode("hi", &wire);
  if (c.hi_wire.empty()) {
    EXPECT_FALSE(encoded.ok()) << framer.Spec();
  } else {
    ASSERT_TRUE(encoded.ok()) << framer.Spec() << ": " << encoded;
    EXPECT_EQ(wire, c.hi_wire) << framer.Spec();
  }
  testing::ReportingOutcome out = testing::DecodeThroughReports(framer, c.stream);
  EXPECT_TRUE(out.end.ok()) << framer.Spec() << ": " << out.end;
  EXPECT_EQ(out.frames, c.frames) << framer.Spec();
  EXPECT_EQ(out.reported, c.reported) << framer.Spec();
}

TEST_P(KeyTest, EveryKeyReachesTheFramer) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(GetParam().spec);
  ASSERT_TRUE(framer.ok()) << GetParam().spec << ": " << framer.status();
  ExpectKeyCaseBehaviour(**framer, GetParam());
}

// Not just the same string back: the framer rebuilt from the canonical spec behaves the same.
TEST_P(KeyTest, CanonicalSpecRebuildsTheSameBehaviour) {
  Rebuilt r = RebuildFromCanonicalSpec(GetParam().spec);
  ASSERT_NE(r.again, nullptr);
  ExpectKeyCaseBehaviour(*r.again, GetParam());
}

INSTANTIATE_TEST_SUITE_P(NonDefaultKeys, KeyTest, ValuesIn(kKeyCases));

void ExpectInvalid(absl::string_view spec, std::initializer_list<absl::string_view> mentions) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  ASSERT_FALSE(framer.ok()) << spec;
  EXPECT_EQ(framer.status().code(), absl::StatusCode::kInvalidArgument) << spec;
  for (absl::string_view m : mentions) {
    EXPECT_TRUE(absl::StrContains(framer.status().message(), m))
        << spec << ": '" << framer.status().message() << "' should mention '" << m << "'";
  }
}

TEST(MakeFramerErrors, UnknownKindListsValidKinds) {
  ExpectInvalid("lenght:width=4", {"lenght", "delimiter", "fixed", "length", "ascii", "netstring"});
  ExpectInvalid("", {"kind"});
  ExpectInvalid(":width=4", {"kind"});
}

TEST(MakeFramerErrors, UnknownKeyListsValidKeys) {
  ExpectInvalid("length:widht=4", {"widht", "width", "order", "offset", "max"});
  ExpectInvalid("netstring:digits=5", {"digits", "max"});
  ExpectInvalid("delimiter:delimiter=x", {"'delimiter'", "delim"});
}

TEST(MakeFramerErrors, MalformedItems) {
  ExpectInvalid("length:width", {"KEY=VALUE"});
  ExpectInvalid("length:=4", {"KEY=VALUE"});
  ExpectInvalid("length:width=4,", {"KEY=VALUE"});
  ExpectInvalid("length:width=4, order=big", {"spaces"});
  ExpectInvalid("length:width=4,width=2", {"width", "more than once"});
}

TEST(MakeFramerErrors, BadValuesNameTheKey) {
  ExpectInvalid("length:width=3", {"width", "1, 2, 4, 8, varint"});
  ExpectInvalid("length:width=four", {"width"});
  ExpectInvalid("length:order=middle", {"order", "big", "little"});
  ExpectInvalid("length:max=1XiB", {"max"});
  ExpectInvalid("length:max=-1", {"max"});
  ExpectInvalid("netstring:max=64 KiB", {});
  ExpectInvalid("delimiter:delim=", {"delim"});
  ExpectInvalid("delimiter:delim=\\q", {"delim"});
  ExpectInvalid("delimiter:delim=\\x4", {"delim"});
  ExpectInvalid("fixed:size=0", {"size"});
  ExpectInvalid("fixed", {"size"});
  ExpectInvalid("fixed:size=16,pad=0x100", {"pad"});
  ExpectInvalid("ascii:digits=0", {"digits"});
  ExpectInvalid("ascii:digits=21", {"digits"});
  ExpectInvalid("ascii:digits=+5", {"digits"});
  ExpectInvalid("netstring:too_long=ignore", {"too_long", "fail", "skip"});
}

TEST(FramerConfig, FileWithCommentsAndSpaces) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/grpc.conf");
  {
    std::ofstream f(path);
    f << "# gRPC-style framing\n"
         "kind   = length\n"
         "\n"
         "width  = 4\n"
         "  offset = 1   \n"
         "   # indented comment\n"
         "max    = 4MiB\n";
  }
  absl::StatusOr<std::unique_ptr<Framer>> from_file = MakeFramerFromConfigFile(path);
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  absl::StatusOr<std::unique_ptr<Framer>> from_spec =
      MakeFramer("length:width=4,offset=1,max=4MiB");
  ASSERT_TRUE(from_spec.ok());
  EXPECT_TRUE(**from_file == **from_spec) << (*from_file)->Spec();
  std::remove(path.c_str());
}

TEST(FramerConfig, RepeatedDelimAndEscapes) {
  absl::StatusOr<FramerSettings> settings =
      ParseFramerConfig("kind = delimiter\ndelim = \\r\\n\ndelim = \\n\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(*settings);
  ASSERT_TRUE(framer.ok()) << framer.status();
  absl::StatusOr<std::unique_ptr<Framer>> expected = MakeFramer("delimiter:delim=\\r\\n,delim=\\n");
  EXPECT_TRUE(**framer == **expected);
}

TEST(FramerConfig, Errors) {
  EXPECT_EQ(ParseFramerConfig("width = 4\n").status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status no_equals = ParseFramerConfig("kind = length\nwidth 4\n").status();
  EXPECT_EQ(no_equals.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(no_equals.message(), "line 2")) << no_equals;
  EXPECT_FALSE(ParseFramerConfig("kind = length\nkind = ascii\n").ok());
  EXPECT_FALSE(ParseFramerConfig("kind = length\n= 4\n").ok());
  EXPECT_EQ(MakeFramerFromConfigFile("/nonexistent/framer.conf").status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<FramerSettings> bad_key = ParseFramerConfig("kind = length\nwidht = 4\n");
  ASSERT_TRUE(bad_key.ok());
  EXPECT_EQ(MakeFramer(*bad_key).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status spaced_key = ParseFramerConfig("kind = length\nwid th = 4\n").status();
  EXPECT_EQ(spaced_key.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(spaced_key.message(), "line 2")) << spaced_key;
  EXPECT_TRUE(absl::StrContains(spaced_key.message(), "bad key 'wid th'")) << spaced_key;
}

// Errors from a file's contents name the file, whether the line or the value is wrong.
TEST(FramerConfig, FileErrorsNameThePath) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/bad.conf");
  for (const auto& [text, mentions] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"kind = length\nwidth 4\n", {"line 2"}},
           {"kind = length\nwidth = 3\n", {"width", "1, 2, 4, 8, varint"}},
           {"kind = lenght\n", {"lenght", "length"}},
       }) {
    {
      std::ofstream f(path);
      f << text;
    }
    absl::Status s = MakeFramerFromConfigFile(path).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(absl::StartsWith(s.message(), path + ": ")) << s;
    for (const std::string& m : mentions) EXPECT_TRUE(absl::StrContains(s.message(), m)) << s;
  }
  std::remove(path.c_str());
}

TEST(FramerConfig, HashAfterAValueIsPartOfIt) {
  absl::StatusOr<FramerSettings> settings = ParseFramerConfig("kind = delimiter\ndelim = #\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(*settings);
  ASSERT_TRUE(framer.ok()) << framer.status();
  std::string wire;
  ASSERT_TRUE((*framer)->Encode("hi", &wire).ok());
  EXPECT_EQ(wire, "hi#");
}

// A user-registered kind is built through the same path as the built-ins.
class UpperCaseLineFramer final : public Framer {
 public:
  explicit UpperCaseLineFramer(std::unique_ptr<Framer> inner) : inner_(std::move(inner)) {}
  absl::string_view kind() const override { return "shout"; }
  std::string Spec() const override { return "shout"; }
  uint64_t max_payload_size() const override { return inner_->max_payload_size(); }
  absl::Status EncodeEnvelope(absl::string_view payload, FrameEnvelope* env) const override {
    return inner_->EncodeEnvelope(payload, env);
  }
  std::unique_ptr<Decoder> NewDecoder() const override { return inner_->NewDecoder(); }

 private:
  std::unique_ptr<Framer> inner_;
};

TEST(FramerRegistry, UserKindsRegisterByName) {
  FramerKind kind;
  kind.name = "shout";
  kind.summary = "test kind";
  kind.keys = {{"loud", "ignored"}};
  kind.factory = [](const FramerSettings& /*settings*/) -> absl::StatusOr<std::unique_ptr<Framer>> {
    absl::StatusOr<std::unique_ptr<Framer>> inner = MakeFramer("delimiter");
    if (!inner.ok()) return inner.status();
    return std::unique_ptr<Framer>(new UpperCaseLineFramer(*std::move(inner)));
  };
  ASSERT_TRUE(RegisterFramerKind(kind).ok());
  EXPECT_EQ(RegisterFramerKind(kind).code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("shout:loud=1");
  ASSERT_TRUE(framer.ok()) << framer.status();
  EXPECT_EQ((*framer)->kind(), "shout");
  ExpectInvalid("shout:quiet=1", {"quiet", "loud"});

  FramerKind builtin_clash = kind;
  builtin_clash.name = "length";
  EXPECT_EQ(RegisterFramerKind(builtin_clash).code(), absl::StatusCode::kAlreadyExists);
  FramerKind bad_name = kind;
  bad_name.name = "Bad Name";
  EXPECT_EQ(RegisterFramerKind(bad_name).code(), absl::StatusCode::kInvalidArgument);
  FramerKind no_factory;
  no_factory.name = "nofactory";
  EXPECT_EQ(RegisterFramerKind(no_factory).code(), absl::StatusCode::kInvalidArgument);

  bool listed = false;
  for (const FramerKind& k : RegisteredFramerKinds()) listed |= k.name == "shout";
  EXPECT_TRUE(listed);
}

// The checks codecs always had, now framers' too (one registry): key names and a null product.
TEST(FramerRegistry, RefusesBadKeysAndANullFramer) {
  FramerKind twice;
  twice.name = "twice";
  twice.keys = {{"max", "a"}, {"max", "b"}};
  twice.factory = [](const FramerSettings&) { return MakeFramer("delimiter"); };
  absl::Status declared_twice = RegisterFramerKind(twice);
  EXPECT_EQ(declared_twice.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(declared_twice.message(), "key 'max' declared twice"))
      << declared_twice;

  FramerKind bad_key = twice;
  bad_key.keys = {{"Max", "a"}};
  EXPECT_EQ(RegisterFramerKind(bad_key).code(), absl::StatusCode::kInvalidArgument);

  FramerKind null_kind;
  null_kind.name = "nullframer";
  null_kind.factory = [](const FramerSettings&) -> absl::StatusOr<std::unique_ptr<Framer>> {
    return std::unique_ptr<Framer>();
  };
  ASSERT_TRUE(RegisterFramerKind(null_kind).ok());
  absl::StatusOr<std::unique_ptr<Framer>> null_framer = MakeFramer("nullframer");
  EXPECT_EQ(null_framer.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(null_framer.status().message(), "framer kind 'nullframer': factory returned null");
}

// Framer settings are SpecSettings under their kind's name, and a distinct type.
TEST(SpecSettingsTest, FramerSettingsShareTheGettersAndErrors) {
  static_assert(std::is_base_of<SpecSettings, FramerSettings>::value, "");
  const FramerSettings f("length", {{"width", "3"}});
  EXPECT_EQ(f.kind(), "length");
  EXPECT_EQ(f.GetUnsigned("width", 4, 1, 2).status().message(),
            "length: bad value for 'width' ('3'): expected an integer in [1, 2]");
}

}  // namespace
}  // namespace framekit

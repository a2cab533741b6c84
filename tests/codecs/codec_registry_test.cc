#include "framekit/codecs/codec_registry.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framekit/codecs/binary_codec.h"
#include "framekit/codecs/codec_support.h"
#include "gtest/gtest.h"
#include "tests/codecs/testing/codec_test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::DecodeU;
using ::framekit::testing::EncodeU;
using ::framekit::testing::Hex;
using ::framekit::testing::MustMake;

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

// Expects MakeCodec(spec) refused with InvalidArgument mentioning each of `parts`.
void ExpectSpecRefused(absl::string_view spec, std::vector<absl::string_view> parts) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec(spec);
  ASSERT_FALSE(codec.ok()) << spec;
  EXPECT_EQ(codec.status().code(), kInvalid) << spec << ": " << codec.status();
  for (absl::string_view part : parts) {
    EXPECT_TRUE(absl::StrContains(codec.status().message(), part))
        << spec << ": " << codec.status() << " lacks '" << part << "'";
  }
}

// A user codec: 3-byte little-endian unsigned, to show the registry knows no built-in specially.
class Le24Codec final : public Codec {
 public:
  absl::string_view name() const override { return "le24"; }
  std::string Spec() const override { return "le24"; }
  bool is_signed() const override { return false; }
  int value_bits() const override { return 24; }
  absl::Status EncodeUnsigned(absl::Span<const uint64_t> values, std::string* out) const override {
    return EncodeAny(values, out);
  }
  absl::Status EncodeSigned(absl::Span<const int64_t> values, std::string* out) const override {
    return EncodeAny(values, out);
  }
  absl::Status DecodeUnsigned(absl::string_view bytes, std::vector<uint64_t>* out) const override {
    return DecodeAny(bytes, out);
  }
  absl::Status DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const override {
    return DecodeAny(bytes, out);
  }
  size_t MaxEncodedSize(size_t n) const override { return 3 * n; }

 private:
  template <typename T>
  absl::Status EncodeAny(absl::Span<const T> values, std::string* out) const {
    const DomainCheck<T> check(false, 24);
    for (size_t i = 0; i < values.size(); ++i) {
      if (!check.Fits(values[i])) return EncodeRangeError(name(), i, values[i], false, 24);
    }
    for (T v : values) {
      for (int b = 0; b < 3; ++b)
        out->push_back(static_cast<char>(static_cast<uint64_t>(v) >> (8 * b)));
    }
    return absl::OkStatus();
  }
  template <typename T>
  absl::Status DecodeAny(absl::string_view bytes, std::vector<T>* out) const {
    if (bytes.size() % 3 != 0) {
      return MalformedInputError(name(), bytes.size() / 3 * 3, bytes.size() / 3, "partial value");
    }
    for (size_t i = 0; i < bytes.size(); i += 3) {
      uint64_t v = 0;
      for (int b = 2; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(bytes[i + b]);
      out->push_back(static_cast<T>(v));
    }
    return absl::OkStatus();
  }
};

CodecFactory Le24Factory() {
  return [](const CodecSettings&) -> absl::StatusOr<std::unique_ptr<Codec>> {
    return std::make_unique<Le24Codec>();
  };
}

TEST(CodecRegistry, BuiltinsAreRegistered) {
  std::vector<std::string> names;
  for (const CodecKind& kind : RegisteredCodecKinds()) {
    names.push_back(kind.name);
    EXPECT_FALSE(kind.summary.empty()) << kind.name;
    for (const CodecKeyInfo& key : kind.keys) EXPECT_FALSE(key.help.empty()) << key.name;
  }
  for (const char* builtin : {"ascii", "binary", "groupvarint", "varint"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), builtin), names.end()) << builtin;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(CodecRegistry, EveryKeyOfEveryBuiltin) {
  EXPECT_EQ(MustMake("binary:width=2")->Spec(), "binary:width=2,signed=false");
  EXPECT_EQ(MustMake("binary:width=4")->Spec(), "binary:width=4,signed=false");
  EXPECT_EQ(MustMake("binary:width=8")->Spec(), "binary:width=8,signed=false");
  EXPECT_EQ(MustMake("binary:signed=true")->Spec(), "binary:width=8,signed=true");
  EXPECT_EQ(MustMake("binary:signed=false,width=2")->Spec(), "binary:width=2,signed=false");
  EXPECT_EQ(MustMake("ascii:sep=\\n")->Spec(), "ascii:sep=\\n,signed=false");
  EXPECT_EQ(MustMake("ascii:sep=\\t")->Spec(), "ascii:sep=\\t,signed=false");
  EXPECT_EQ(MustMake("ascii:sep=;")->Spec(), "ascii:sep=;,signed=false");
  EXPECT_EQ(MustMake("ascii:sep=\\x2C")->Spec(), "ascii:sep=\\x2C,signed=false");
  EXPECT_EQ(MustMake("ascii:sep=0x20")->Spec(), "ascii:sep=\\x20,signed=false");
  EXPECT_EQ(MustMake("ascii:sep=32")->Spec(), "ascii:sep=\\x20,signed=false");
  EXPECT_EQ(MustMake("ascii:signed=true")->Spec(), "ascii:sep=\\n,signed=true");
  EXPECT_EQ(MustMake("varint:zigzag=true")->Spec(), "varint:zigzag=true");
  EXPECT_EQ(MustMake("varint:zigzag=false")->Spec(), "varint:zigzag=false");
  EXPECT_EQ(MustMake("groupvarint:zigzag=true")->Spec(), "groupvarint:zigzag=true");
}

TEST(CodecRegistry, BooleanSpellings) {
  for (const char* yes : {"true", "yes", "1"}) {
    EXPECT_TRUE(MustMake(absl::StrCat("varint:zigzag=", yes))->is_signed()) << yes;
  }
  for (const char* no : {"false", "no", "0"}) {
    EXPECT_FALSE(MustMake(absl::StrCat("binary:signed=", no))->is_signed()) << no;
  }
}

TEST(CodecRegistry, SpecRoundTripsToAnEqualCodec) {
  for (const char* spec : {"binary", "binary:width=2,signed=true", "binary:width=4", "ascii",
                           "ascii:sep=\\x2C", "ascii:sep=\\x20,signed=true", "ascii:sep=\\0",
                           "ascii:sep=\\\\", "ascii:sep=0xFF", "ascii:sep=\\x3D", "ascii:sep=#",
                           "varint", "varint:zigzag=yes", "groupvarint", "groupvarint:zigzag=1"}) {
    auto codec = MustMake(spec);
    auto again = MakeCodec(codec->Spec());
    ASSERT_TRUE(again.ok()) << spec << " -> " << codec->Spec() << ": " << again.status();
    EXPECT_EQ((*again)->Spec(), codec->Spec()) << spec;
    EXPECT_EQ((*again)->is_signed(), codec->is_signed()) << spec;
    // Equal codecs encode alike.
    EXPECT_EQ(*EncodeU(**again, {0, 1, 300}), *EncodeU(*codec, {0, 1, 300})) << spec;
  }
}

TEST(CodecRegistry, UnknownCodecListsValidOnes) {
  ExpectSpecRefused("bin", {"unknown codec 'bin'", "ascii, binary", "groupvarint", "varint"});
  ExpectSpecRefused("Binary", {"unknown codec 'Binary'"});
}

TEST(CodecRegistry, UnknownKeyListsValidOnes) {
  ExpectSpecRefused("binary:wdth=4", {"binary: unknown key 'wdth'", "valid keys: width, signed"});
  ExpectSpecRefused("varint:signed=true", {"varint: unknown key 'signed'", "zigzag"});
  ExpectSpecRefused("ascii:delim=x", {"ascii: unknown key 'delim'", "sep, signed"});
}

TEST(CodecRegistry, KeyGivenTwiceRefused) {
  ExpectSpecRefused("binary:width=4,width=4", {"binary: key 'width' given more than once"});
}

TEST(CodecRegistry, BadValuesNameKeyValueAndExpectation) {
  ExpectSpecRefused("binary:width=3", {"binary: bad value for 'width' ('3')", "2, 4, 8"});
  ExpectSpecRefused("binary:width=04", {"'width' ('04')", "2, 4, 8"});
  ExpectSpecRefused("binary:width=", {"'width' ('')"});
  ExpectSpecRefused("binary:signed=maybe", {"binary: bad value for 'signed' ('maybe')", "true"});
  ExpectSpecRefused("varint:zigzag=TRUE", {"varint: bad value for 'zigzag'"});
  ExpectSpecRefused("groupvarint:zigzag=2", {"groupvarint: bad value for 'zigzag' ('2')"});
  ExpectSpecRefused("ascii:sep=ab", {"ascii: bad value for 'sep' ('ab')", "one byte"});
  ExpectSpecRefused("ascii:sep=", {"ascii: bad value for 'sep' ('')"});
  ExpectSpecRefused("ascii:sep=256", {"ascii: bad value for 'sep' ('256')"});
  ExpectSpecRefused("ascii:sep=\\q", {"ascii: bad value for 'sep'"});
  ExpectSpecRefused("ascii:sep=5", {"ascii: bad value for 'sep' ('5')", "digit"});
  ExpectSpecRefused("ascii:sep=-,signed=true", {"ascii: bad value for 'sep' ('-')", "'-'"});
}

TEST(CodecRegistry, SyntaxErrors) {
  ExpectSpecRefused("", {"has no name"});
  ExpectSpecRefused(":width=4", {"has no name"});
  ExpectSpecRefused("binary:", {"'' is not KEY=VALUE"});
  ExpectSpecRefused("binary:width", {"'width' is not KEY=VALUE"});
  ExpectSpecRefused("binary:=4", {"'=4' is not KEY=VALUE"});
  ExpectSpecRefused("binary:width=4,", {"'' is not KEY=VALUE"});
  ExpectSpecRefused("binary:width=4,,signed=true", {"'' is not KEY=VALUE"});
  ExpectSpecRefused("binary:width= 4", {"spaces are not allowed"});
  ExpectSpecRefused(" binary", {"spaces are not allowed"});
}

// Codecs load from a config file as framers do (spec/spec_parser.h): `name = ...` names the codec.
TEST(CodecRegistry, MakeCodecFromConfigFile) {
  const std::string path = ::testing::TempDir() + "/codec_registry_test.conf";
  std::ofstream(path) << "# zigzag varints\nname = varint\nzigzag = true\n";
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodecFromConfigFile(path);
  ASSERT_TRUE(codec.ok()) << codec.status();
  EXPECT_EQ((*codec)->Spec(), "varint:zigzag=true");

  std::ofstream(path) << "name = varint\nzigzag = maybe\n";
  absl::Status bad_value = MakeCodecFromConfigFile(path).status();
  EXPECT_EQ(bad_value.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(bad_value.message(), path + ": varint: bad value for 'zigzag'"))
      << bad_value;
  std::ofstream(path) << "name = bin\n";
  EXPECT_TRUE(absl::StrContains(MakeCodecFromConfigFile(path).status().message(),
                                "unknown codec 'bin'; valid codecs:"));
  std::remove(path.c_str());
  EXPECT_EQ(MakeCodecFromConfigFile(path).status().code(), absl::StatusCode::kNotFound);
}

TEST(CodecRegistry, ParseCodecSpecKeepsOrderAndRawValues) {
  absl::StatusOr<CodecSettings> settings = ParseCodecSpec("ascii:signed=true,sep=\\x2C");
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->name(), "ascii");
  ASSERT_EQ(settings->values().size(), 2u);
  EXPECT_EQ(settings->values()[0].first, "signed");
  EXPECT_EQ(settings->values()[1].second, "\\x2C");
  EXPECT_TRUE(settings->Has("sep"));
  EXPECT_FALSE(settings->Has("width"));
  // '=' and ':' after the first are part of the value.
  settings = ParseCodecSpec("ascii:sep=:");
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->values()[0].second, ":");
  EXPECT_EQ(MustMake("ascii:sep=:")->Spec(), "ascii:sep=:,signed=false");
}

TEST(CodecRegistry, SettingsGetters) {
  CodecSettings settings("mine", {{"n", "12"}, {"big", "99"}, {"c", "x"}});
  EXPECT_EQ(*settings.GetUnsigned("n", 0, 1, 20), 12u);
  EXPECT_EQ(*settings.GetUnsigned("absent", 7), 7u);
  absl::Status s = settings.GetUnsigned("big", 0, 1, 20).status();
  EXPECT_EQ(s.code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(s.message(), "mine: bad value for 'big' ('99')")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "[1, 20]")) << s;
  EXPECT_EQ(*settings.GetChoice("c", "y", {"x", "y"}), "x");
  EXPECT_EQ(*settings.GetChoice("absent", "y", {"x", "y"}), "y");
  EXPECT_EQ(*settings.GetByte("c", 0), 'x');
  EXPECT_EQ(*settings.GetBool("absent", true), true);
  EXPECT_EQ(settings.GetBool("c", true).status().code(), kInvalid);
  s = settings.BadValue("c", "no good");
  EXPECT_EQ(s.message(), "mine: bad value for 'c' ('x'): no good");
}

TEST(CodecRegistry, RegisterUserCodecByName) {
  ASSERT_TRUE(RegisterCodecKind("le24", "3-byte little-endian unsigned", {}, Le24Factory()).ok());
  auto codec = MustMake("le24");
  EXPECT_EQ(Hex(*EncodeU(*codec, {1, 0xABCDEF})), "01 00 00 ef cd ab");
  EXPECT_EQ(*DecodeU(*codec, *EncodeU(*codec, {1, 0xABCDEF})),
            (std::vector<uint64_t>{1, 0xABCDEF}));
  EXPECT_EQ(EncodeU(*codec, {1 << 24}).status().code(), kInvalid);
  // Its name is now listed, with the built-ins.
  ExpectSpecRefused("nope", {"le24"});
  ExpectSpecRefused("le24:x=1", {"le24: unknown key 'x'; valid keys: (none)"});
  // Names are unique, built-ins included.
  EXPECT_EQ(RegisterCodecKind("le24", "again", {}, Le24Factory()).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(RegisterCodecKind("binary", "mine", {}, Le24Factory()).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(CodecRegistry, RegisterUserCodecWithKeys) {
  CodecKind kind;
  kind.name = "wide_binary";
  kind.summary = "binary with a `bytes` key";
  kind.keys = {{"bytes", "2, 4 or 8; default 8"}};
  kind.factory = [](const CodecSettings& settings) -> absl::StatusOr<std::unique_ptr<Codec>> {
    absl::StatusOr<uint64_t> bytes = settings.GetUnsigned("bytes", 8, 2, 8);
    if (!bytes.ok()) return bytes.status();
    BinaryCodecOptions options;
    options.width = static_cast<int>(*bytes);
    absl::StatusOr<std::unique_ptr<BinaryCodec>> codec = BinaryCodec::Create(options);
    if (!codec.ok()) return settings.BadValue("bytes", codec.status().message());
    return std::unique_ptr<Codec>(*std::move(codec));
  };
  ASSERT_TRUE(RegisterCodecKind(std::move(kind)).ok());
  EXPECT_EQ(Hex(*EncodeU(*MustMake("wide_binary:bytes=2"), {1})), "00 01");
  ExpectSpecRefused("wide_binary:bytes=3", {"wide_binary: bad value for 'bytes' ('3')"});
  ExpectSpecRefused("wide_binary:bytes=9", {"[2, 8]"});
}

TEST(CodecRegistry, RegisterRefusesBadKinds) {
  CodecRegistry registry;
  EXPECT_EQ(registry.Register("", "s", {}, Le24Factory()).code(), kInvalid);
  EXPECT_EQ(registry.Register("Le24", "s", {}, Le24Factory()).code(), kInvalid);
  EXPECT_EQ(registry.Register("le-24", "s", {}, Le24Factory()).code(), kInvalid);
  EXPECT_EQ(registry.Register("le24", "s", {}, nullptr).code(), kInvalid);
  EXPECT_EQ(registry.Register("le24", "s", {{"k", "a"}, {"k", "b"}}, Le24Factory()).code(),
            kInvalid);
  EXPECT_EQ(registry.Register("le24", "s", {{"K=", "a"}}, Le24Factory()).code(), kInvalid);
  EXPECT_TRUE(registry.Kinds().empty());
}

TEST(CodecRegistry, FactoryReturningNullIsInternal) {
  CodecRegistry registry;
  ASSERT_TRUE(registry
                  .Register("null", "s", {},
                            [](const CodecSettings&) -> absl::StatusOr<std::unique_ptr<Codec>> {
                              return std::unique_ptr<Codec>();
                            })
                  .ok());
  EXPECT_EQ(registry.Make("null").status().code(), absl::StatusCode::kInternal);
}

TEST(CodecRegistry, SeparateRegistryIsIsolated) {
  CodecRegistry registry;
  auto r = registry.Make("binary");
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "valid codecs: (none)")) << r.status();
  ASSERT_TRUE(RegisterBuiltinCodecs(registry).ok());
  EXPECT_TRUE(registry.Make("binary:width=2").ok());
  EXPECT_EQ(RegisterBuiltinCodecs(registry).code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(registry.Register("only_here", "s", {}, Le24Factory()).ok());
  EXPECT_FALSE(MakeCodec("only_here").ok());
}

TEST(CodecRegistry, ConcurrentMakeAndRegister) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE(MakeCodec("varint:zigzag=true").ok());
        if (i == 0) {
          EXPECT_TRUE(
              RegisterCodecKind(absl::StrCat("concurrent_", t), "s", {}, Le24Factory()).ok());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_TRUE(MakeCodec(absl::StrCat("concurrent_", t)).ok());
}

TEST(CodecRegistry, CodecsAreSharedAcrossThreads) {
  auto codec = MustMake("varint:zigzag=true");
  std::vector<int64_t> values;
  for (int64_t i = -1000; i < 1000; ++i) values.push_back(i * 977);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        std::string bytes;
        ASSERT_TRUE(codec->EncodeSigned(values, &bytes).ok());
        std::vector<int64_t> back;
        ASSERT_TRUE(codec->DecodeSigned(bytes, &back).ok());
        EXPECT_EQ(back, values);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace
}  // namespace framekit

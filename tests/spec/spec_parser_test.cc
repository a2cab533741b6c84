// The spec and config-file grammar, written once for framers and codecs: what parses, what each
// error names, and that the family's words (framer/kind, codec/name) appear in its errors.
#include "framekit/spec/spec_parser.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

using Values = std::vector<std::pair<std::string, std::string>>;

void ExpectError(const absl::Status& s, absl::string_view fragment) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), fragment)) << s << " lacks " << fragment;
}

TEST(SpecParser, NameAloneAndKeysInOrderWithRepeats) {
  absl::StatusOr<SpecSettings> bare = ParseSpec(kFramerGrammar, "netstring");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->name(), "netstring");
  EXPECT_TRUE(bare->values().empty());

  absl::StatusOr<SpecSettings> s =
      ParseSpec(kFramerGrammar, "delimiter:delim=\\r\\n,delim==,max=1");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->values(), (Values{{"delim", "\\r\\n"}, {"delim", "="}, {"max", "1"}}));
}

TEST(SpecParser, EmptyValueIsKeptAsWritten) {
  absl::StatusOr<SpecSettings> s = ParseSpec(kCodecGrammar, "ascii:sep=");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->values(), (Values{{"sep", ""}}));
}

TEST(SpecParser, ErrorsUseTheFamilysWords) {
  ExpectError(ParseSpec(kFramerGrammar, ":width=4").status(),
              "framer spec ':width=4' has no kind; expected KIND[:KEY=VALUE,...]");
  ExpectError(ParseSpec(kCodecGrammar, "").status(),
              "codec spec '' has no name; expected NAME[:KEY=VALUE,...]");
  ExpectError(ParseSpec(kCodecGrammar, "binary:width").status(),
              "codec spec 'binary:width': 'width' is not KEY=VALUE");
  ExpectError(ParseSpec(kFramerGrammar, "length:width=4,").status(), "'' is not KEY=VALUE");
  ExpectError(ParseSpec(kFramerGrammar, "length:=4").status(), "'=4' is not KEY=VALUE");
  ExpectError(ParseSpec(kFramerGrammar, "length:width=4, order=big").status(),
              "spaces are not allowed");
  ExpectError(ParseSpec(kCodecGrammar, " binary").status(), "spaces are not allowed");
}

TEST(SpecConfig, NameLineCommentsAndTrimming) {
  absl::StatusOr<SpecSettings> s =
      ParseSpecConfig(kCodecGrammar, "# a codec\n\n  name = varint \nzigzag=true\ndelim = #\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name(), "varint");
  EXPECT_EQ(s->values(), (Values{{"zigzag", "true"}, {"delim", "#"}}));
}

TEST(SpecConfig, ErrorsNameTheLine) {
  ExpectError(ParseSpecConfig(kFramerGrammar, "kind = length\nwidth 4\n").status(),
              "framer config line 2: 'width 4' is not KEY = VALUE");
  ExpectError(ParseSpecConfig(kFramerGrammar, "kind = length\nwid th = 4\n").status(),
              "framer config line 2: bad key 'wid th'");
  ExpectError(ParseSpecConfig(kCodecGrammar, "name = a\nname = b\n").status(),
              "codec config line 2: 'name' given more than once");
  ExpectError(ParseSpecConfig(kCodecGrammar, "zigzag = true\n").status(),
              "codec config has no 'name = ...' line");
  // A framer's name key is `kind`: `name` is just another key there.
  absl::StatusOr<SpecSettings> s = ParseSpecConfig(kFramerGrammar, "kind = x\nname = y\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->values(), (Values{{"name", "y"}}));
}

TEST(SpecConfig, FilesMissingOrMalformed) {
  absl::StatusOr<SpecSettings> missing = ReadSpecConfigFile(kCodecGrammar, "/nonexistent/c.conf");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "cannot read codec config"));

  const std::string path = ::testing::TempDir() + "/spec_parser_test.conf";
  std::ofstream(path) << "name = binary\nwidth\n";
  absl::StatusOr<SpecSettings> bad = ReadSpecConfigFile(kCodecGrammar, path);
  ExpectError(bad.status(), path + ": codec config line 2");
  std::ofstream(path) << "name = binary\nwidth = 2\n";
  absl::StatusOr<SpecSettings> good = ReadSpecConfigFile(kCodecGrammar, path);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->name(), "binary");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace framekit

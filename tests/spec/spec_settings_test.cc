// Tests for framekit/spec/spec_settings.h: each getter returns the default when its key is
// absent, the strictly parsed value when it is well formed, and otherwise InvalidArgument naming
// the spec, the key, the value and what was expected. FramerSettings and CodecSettings inherit
// exactly this behaviour (their registries' tests cover the factories that use it).
#include "framekit/spec/spec_settings.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

SpecSettings Make(std::vector<std::pair<std::string, std::string>> values) {
  return SpecSettings("kind", std::move(values));
}

// The error text: "kind: bad value for 'KEY' ('VALUE'): WHY".
void ExpectBadValue(const absl::Status& s, absl::string_view key, absl::string_view value,
                    absl::string_view why) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(std::string(s.message())
                .rfind(absl::StrCat("kind: bad value for '", key, "' ('", value, "'): ", why), 0),
            0u)
      << s;
}

TEST(SpecSettingsTest, AbsentKeysGiveTheDefault) {
  const SpecSettings s = Make({});
  EXPECT_FALSE(s.Has("max"));
  EXPECT_EQ(s.GetText("t", "d"), "d");
  EXPECT_EQ(*s.GetBool("b", true), true);
  EXPECT_EQ(*s.GetByte("pad", 7), 7);
  EXPECT_EQ(*s.GetUnsigned("n", 5, 1, 9), 5u);
  EXPECT_EQ(*s.GetSigned("a", -3), -3);
  EXPECT_EQ(*s.GetSize("max", 1024), 1024u);
  EXPECT_TRUE(s.GetBytesList("delim")->empty());
  EXPECT_EQ(*s.GetChoice("order", "big", {"big", "little"}), "big");
}

TEST(SpecSettingsTest, WellFormedValuesParse) {
  const SpecSettings s = Make({{"b", "yes"},
                               {"pad", "0x20"},
                               {"n", "9"},
                               {"a", "-12"},
                               {"max", "4MiB"},
                               {"delim", "\\r\\n"},
                               {"delim", "\\0"},
                               {"order", "little"},
                               {"t", "as is"}});
  EXPECT_TRUE(s.Has("max"));
  EXPECT_EQ(s.GetText("t", ""), "as is");
  EXPECT_EQ(*s.GetBool("b", false), true);
  EXPECT_EQ(*s.GetByte("pad", 0), 0x20);
  EXPECT_EQ(*s.GetUnsigned("n", 0, 1, 9), 9u);
  EXPECT_EQ(*s.GetSigned("a", 0), -12);
  EXPECT_EQ(*s.GetSize("max", 0), 4u << 20);
  EXPECT_EQ(*s.GetBytesList("delim"), (std::vector<std::string>{"\r\n", std::string(1, '\0')}));
  EXPECT_EQ(*s.GetChoice("order", "big", {"big", "little"}), "little");
}

TEST(SpecSettingsTest, MalformedValuesNameSpecKeyValueAndExpectation) {
  const SpecSettings s = Make({{"b", "maybe"},
                               {"pad", "256"},
                               {"n", "10"},
                               {"u", "+5"},
                               {"a", "1x"},
                               {"max", "4MB"},
                               {"delim", "\\q"},
                               {"order", "Big"}});
  ExpectBadValue(s.GetBool("b", false).status(), "b", "maybe", "expected true or false");
  ExpectBadValue(s.GetByte("pad", 0).status(), "pad", "256", "expected one byte");
  ExpectBadValue(s.GetUnsigned("n", 0, 1, 9).status(), "n", "10", "expected an integer in [1, 9]");
  ExpectBadValue(s.GetUnsigned("u", 0).status(), "u", "+5", "expected an integer");  // No signs.
  ExpectBadValue(s.GetSigned("a", 0).status(), "a", "1x", "expected a decimal integer");
  ExpectBadValue(s.GetSize("max", 0).status(), "max", "4MB", "expected a size");
  ExpectBadValue(s.GetBytesList("delim").status(), "delim", "\\q", "");
  ExpectBadValue(s.GetChoice("order", "big", {"big", "little"}).status(), "order", "Big",
                 "expected one of: big, little");
  EXPECT_EQ(s.BadValue("n", "too wide for the field").message(),
            "kind: bad value for 'n' ('10'): too wide for the field");
  EXPECT_EQ(s.BadValue("absent", "required").message(), "kind: bad value for 'absent': required");
}

}  // namespace
}  // namespace framekit

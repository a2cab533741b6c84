// SpecRegistry: the one set of checks every kind gets, whatever its product. Uses a toy product
// so the registry is tested apart from framers and codecs (each of which tests its own words).
#include "framekit/spec/spec_registry.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

struct Widget {
  int size;
};

class WidgetSettings : public SpecSettings {
 public:
  explicit WidgetSettings(SpecSettings s) : SpecSettings(std::move(s)) {}
};

using WidgetRegistry = SpecRegistry<Widget, WidgetSettings>;
using WidgetKind = WidgetRegistry::Kind;

constexpr SpecGrammar kWidgetGrammar = {"widget", "kind", "widget kind", "kinds"};

WidgetKind Box() {
  WidgetKind kind;
  kind.name = "box";
  kind.summary = "a box";
  kind.keys = {{"size", "edge; default 1"}, {"tag", "repeatable", true}};
  kind.factory = [](const WidgetSettings& s) -> absl::StatusOr<std::unique_ptr<Widget>> {
    absl::StatusOr<uint64_t> size = s.GetUnsigned("size", 1, 1, 9);
    if (!size.ok()) return size.status();
    return std::make_unique<Widget>(Widget{static_cast<int>(*size)});
  };
  return kind;
}

absl::StatusOr<std::unique_ptr<Widget>> Make(const WidgetRegistry& r, absl::string_view spec) {
  absl::StatusOr<SpecSettings> s = ParseSpec(kWidgetGrammar, spec);
  if (!s.ok()) return s.status();
  return r.Make(WidgetSettings(*std::move(s)));
}

void ExpectError(const absl::Status& s, absl::StatusCode code, absl::string_view fragment) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), fragment)) << s << " lacks " << fragment;
}

TEST(SpecRegistry, BuildsWithCheckedKeysAndValues) {
  WidgetRegistry r(kWidgetGrammar);
  ASSERT_TRUE(r.Register(Box()).ok());
  absl::StatusOr<std::unique_ptr<Widget>> w = Make(r, "box:size=3,tag=a,tag=b");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ((*w)->size, 3);
  ExpectError(Make(r, "box:size=10").status(), absl::StatusCode::kInvalidArgument,
              "box: bad value for 'size' ('10'): expected an integer in [1, 9]");
  ExpectError(Make(r, "box:colour=red").status(), absl::StatusCode::kInvalidArgument,
              "box: unknown key 'colour'; valid keys: size, tag");
  ExpectError(Make(r, "box:size=1,size=2").status(), absl::StatusCode::kInvalidArgument,
              "box: key 'size' given more than once");
}

TEST(SpecRegistry, UnknownKindListsTheRegisteredOnes) {
  WidgetRegistry r(kWidgetGrammar);
  ExpectError(Make(r, "box").status(), absl::StatusCode::kInvalidArgument,
              "unknown widget kind 'box'; valid kinds: (none)");
  ASSERT_TRUE(r.Register(Box()).ok());
  WidgetKind cup = Box();
  cup.name = "cup";
  ASSERT_TRUE(r.Register(cup).ok());
  ExpectError(Make(r, "bin").status(), absl::StatusCode::kInvalidArgument,
              "unknown widget kind 'bin'; valid kinds: box, cup");
  ASSERT_EQ(r.Kinds().size(), 2u);
  EXPECT_EQ(r.Kinds()[1].name, "cup");
}

TEST(SpecRegistry, RegisterRefusesBadDeclarations) {
  WidgetRegistry r(kWidgetGrammar);
  ASSERT_TRUE(r.Register(Box()).ok());
  ExpectError(r.Register(Box()), absl::StatusCode::kAlreadyExists,
              "widget kind 'box' is already registered");
  WidgetKind bad = Box();
  bad.name = "Box";
  ExpectError(r.Register(bad), absl::StatusCode::kInvalidArgument,
              "widget kind name 'Box' must be non-empty [a-z0-9_]");
  bad.name = "";
  ExpectError(r.Register(bad), absl::StatusCode::kInvalidArgument, "must be non-empty");
  bad = Box();
  bad.name = "nofactory";
  bad.factory = nullptr;
  ExpectError(r.Register(bad), absl::StatusCode::kInvalidArgument,
              "widget kind 'nofactory' has no factory");
  bad = Box();
  bad.name = "twice";
  bad.keys = {{"size", "a"}, {"size", "b"}};
  ExpectError(r.Register(bad), absl::StatusCode::kInvalidArgument,
              "widget kind 'twice': key 'size' declared twice");
  bad.keys = {{"bad key", "a"}};
  ExpectError(r.Register(bad), absl::StatusCode::kInvalidArgument, "key name 'bad key'");
  EXPECT_EQ(r.Kinds().size(), 1u);
}

TEST(SpecRegistry, NullProductIsAnError) {
  WidgetRegistry r(kWidgetGrammar);
  WidgetKind null_kind = Box();
  null_kind.name = "ghost";
  null_kind.factory = [](const WidgetSettings&) -> absl::StatusOr<std::unique_ptr<Widget>> {
    return std::unique_ptr<Widget>();
  };
  ASSERT_TRUE(r.Register(null_kind).ok());
  ExpectError(Make(r, "ghost").status(), absl::StatusCode::kInternal,
              "widget kind 'ghost': factory returned null");
}

}  // namespace
}  // namespace framekit

#include "framekit/transforms/transform_registry.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "framekit/transforms/transform.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

using ::testing::HasSubstr;

TEST(TransformRegistry, CanonicalSpecSpellsOutEveryKey) {
  for (const auto& [spec, canonical] : std::vector<std::pair<std::string, std::string>>{
           {"zstd", "zstd:level=3,max=64MiB"},
           {"zstd:level=-5,max=1024", "zstd:level=-5,max=1KiB"},
           {"zstd:level=22,max=4GiB", "zstd:level=22,max=4GiB"},
       }) {
    absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform(spec);
    ASSERT_TRUE(t.ok()) << spec << ": " << t.status();
    EXPECT_EQ((*t)->Spec(), canonical);
    absl::StatusOr<std::unique_ptr<Transform>> again = MakeTransform((*t)->Spec());
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(**again, **t);
  }
}

TEST(TransformRegistry, UnknownKindListsTheValidOnes) {
  absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform("zstdd");
  ASSERT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("unknown transform 'zstdd'"));
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("zstd"));
}

TEST(TransformRegistry, UnknownAndDuplicateKeysAreRefused) {
  absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform("zstd:lvl=3");
  ASSERT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("unknown key 'lvl'"));
  t = MakeTransform("zstd:level=3,level=4");
  ASSERT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("level"));
}

TEST(TransformRegistry, ZstdLevelOutOfRangeIsRefusedWithTheRange) {
  for (const char* spec : {"zstd:level=0", "zstd:level=23", "zstd:level=-8", "zstd:level=x"}) {
    absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform(spec);
    ASSERT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << spec;
    EXPECT_THAT(std::string(t.status().message()), HasSubstr("zstd: bad value for 'level'"))
        << spec;
  }
}

TEST(TransformRegistry, MaxMustBeASizeFromOneByteToOneTiB) {
  for (const char* spec : {"zstd:max=0", "zstd:max=2TiB", "zstd:max=1MB", "zstd:max=-1"}) {
    absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform(spec);
    ASSERT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << spec;
    EXPECT_THAT(std::string(t.status().message()), HasSubstr("'max'")) << spec;
  }
  absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform("zstd:max=64KiB");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->max_decompressed_size(), 64u << 10);
}

TEST(TransformRegistry, SeparateRegistryStartsEmpty) {
  TransformRegistry registry;
  EXPECT_TRUE(registry.Kinds().empty());
  ASSERT_TRUE(RegisterBuiltinTransforms(registry).ok());
  EXPECT_EQ(RegisterBuiltinTransforms(registry).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(registry.Make("zstd:level=1").ok());
}

}  // namespace
}  // namespace framekit

#include "crescendo/config/config_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace crescendo::config {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class LocalConfigFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("crescendo-config-files-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "services" / "more");
    fs::create_directories(root_ / ".git");
    Write("platform.yaml", "a: 1\n");
    Write("services/b.yml", "b: 1\n");
    Write("services/more/a.yaml", "c: 1\n");
    Write("services/notes.txt", "no\n");
    Write(".git/config.yaml", "hidden\n");
    Write(".hidden.yaml", "hidden\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ / relative) << text;
  }
  std::string P(const std::string& relative) { return (root_ / relative).string(); }

  fs::path root_;
  LocalConfigFiles files_;
};

TEST_F(LocalConfigFilesTest, ExpandsDirectoriesToSortedYamlFilesSkippingHiddenOnes) {
  StatusOr<std::vector<std::string>> expanded = files_.Expand({root_.string()});
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  EXPECT_THAT(*expanded,
              ElementsAre(P("platform.yaml"), P("services/b.yml"), P("services/more/a.yaml")));
}

TEST_F(LocalConfigFilesTest, KeepsTheOrderOfPathsAndDropsRepeats) {
  StatusOr<std::vector<std::string>> expanded =
      files_.Expand({P("services/b.yml"), root_.string(), P("services/notes.txt")});
  ASSERT_TRUE(expanded.ok());
  EXPECT_THAT(*expanded, ElementsAre(P("services/b.yml"), P("platform.yaml"),
                                     P("services/more/a.yaml"), P("services/notes.txt")));
}

TEST_F(LocalConfigFilesTest, ReadsStatsAndReportsMissingPaths) {
  EXPECT_EQ(*files_.Read(P("platform.yaml")), "a: 1\n");
  StatusOr<FileStamp> before = files_.Stat(P("platform.yaml"));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->size_bytes, 5);
  Write("platform.yaml", "a: 12\n");
  EXPECT_NE(*files_.Stat(P("platform.yaml")), *before);
  EXPECT_EQ(files_.Expand({P("missing")}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(files_.Read(P("missing.yaml")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(files_.Stat(P("missing.yaml")).status().code(), StatusCode::kNotFound);
}

TEST(InMemoryConfigFilesTest, EveryPutChangesTheStamp) {
  InMemoryConfigFiles files;
  files.Put("c/a.yaml", "x");
  FileStamp first = *files.Stat("c/a.yaml");
  files.Put("c/a.yaml", "x");
  EXPECT_NE(*files.Stat("c/a.yaml"), first);
  EXPECT_THAT(*files.Expand({"c"}), ElementsAre("c/a.yaml"));
  files.Remove("c/a.yaml");
  EXPECT_FALSE(files.Expand({"c"}).ok());
}

}  // namespace
}  // namespace crescendo::config

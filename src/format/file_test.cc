#include "crescendo/format/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace crescendo::format {
namespace {

namespace fs = std::filesystem;

class DiskFileReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("crescendo_format_file_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "ten.txt") << "0123456789";
    std::ofstream(dir_ / "empty.txt");
    fs::create_directories(dir_ / "sub");
    ::mkfifo((dir_ / "fifo").c_str(), 0600);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string P(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(DiskFileReaderTest, ReadsOrNamesThePathAndWhatWentWrong) {
  struct Case {
    std::string name;
    size_t max_bytes;
    StatusCode code;
    std::string want;  // the content, or the message after the path
  };
  const Case cases[] = {
      {"ten.txt", 10, StatusCode::kOk, "0123456789"},
      {"empty.txt", 0, StatusCode::kOk, ""},
      {"ten.txt", 9, StatusCode::kResourceExhausted, ": 10 bytes, expected at most 9 bytes"},
      {"missing.txt", 100, StatusCode::kNotFound, ": no such file"},
      {"ten.txt/below", 100, StatusCode::kNotFound, ": no such file"},
      {"sub", 100, StatusCode::kInvalidArgument, ": is a directory, expected a file"},
      {"fifo", 100, StatusCode::kInvalidArgument, ": is not a regular file, expected a file"},
  };
  DiskFileReader reader;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<std::string> got = reader.Read(P(c.name), c.max_bytes);
    EXPECT_EQ(got.status().code(), c.code) << got.status().message();
    if (got.ok()) {
      EXPECT_EQ(*got, c.want);
    } else {
      EXPECT_EQ(got.status().message(), P(c.name) + c.want);
    }
  }
}

TEST_F(DiskFileReaderTest, RefusesAnEmptyPath) {
  EXPECT_EQ(DiskFileReader().Read("", 10).status().message(), "an empty path, expected a file");
}

TEST_F(DiskFileReaderTest, ReadsFilesWhoseSizeTheSystemDoesNotKnow) {
  // /proc files report size 0 but have content: read up to the limit, never past it.
  StatusOr<std::string> got = DiskFileReader().Read("/proc/self/status", 1 << 20);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_NE(got->find("Name:"), std::string::npos);
  EXPECT_EQ(DiskFileReader().Read("/proc/self/status", 10).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(InMemoryFileReaderTest, AnswersAsTheDiskDoes) {
  InMemoryFileReader files;
  files.AddFile("a.yaml", "a: 1\n");
  files.AddDirectory("dir");
  struct Case {
    std::string path;
    size_t max_bytes;
    StatusCode code;
    std::string want;
  };
  const Case cases[] = {
      {"a.yaml", 5, StatusCode::kOk, "a: 1\n"},
      {"a.yaml", 4, StatusCode::kResourceExhausted, "a.yaml: 5 bytes, expected at most 4 bytes"},
      {"b.yaml", 5, StatusCode::kNotFound, "b.yaml: no such file"},
      {"dir", 5, StatusCode::kInvalidArgument, "dir: is a directory, expected a file"},
      {"", 5, StatusCode::kInvalidArgument, "an empty path, expected a file"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    StatusOr<std::string> got = files.Read(c.path, c.max_bytes);
    EXPECT_EQ(got.status().code(), c.code);
    EXPECT_EQ(got.ok() ? *got : got.status().message(), c.want);
  }
}

TEST(ScopedFileReaderTest, ReplacesTheReaderOfReadFileAndRestoresIt) {
  InMemoryFileReader outer;
  outer.AddFile("x", "outer");
  InMemoryFileReader inner;
  inner.AddFile("x", "inner");
  EXPECT_EQ(&CurrentFileReader(), &CurrentFileReader());
  const FileReader* disk = &CurrentFileReader();
  {
    ScopedFileReader a(outer);
    EXPECT_EQ(*ReadFile("x"), "outer");
    {
      ScopedFileReader b(inner);
      EXPECT_EQ(*ReadFile("x"), "inner");
    }
    EXPECT_EQ(*ReadFile("x"), "outer");
  }
  EXPECT_EQ(&CurrentFileReader(), disk);
  EXPECT_EQ(ReadFile("x").status().code(), StatusCode::kNotFound);  // no file "x" on disk
}

}  // namespace
}  // namespace crescendo::format

#include "crescendo/format/lines.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace crescendo::format {
namespace {

// `text` as one gzip member (RFC 1952), compressed with zlib at `level`.
std::string Gzip(const std::string& text, int level = Z_DEFAULT_COMPRESSION) {
  z_stream z{};
  // 16 + MAX_WBITS: write a gzip wrapper (zlib manual, deflateInit2).
  EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

StatusOr<std::vector<std::string>> LinesOf(const std::string& content, size_t max_line = 1 << 20) {
  InMemoryFileReader files;
  files.AddFile("f.csv", content);
  ScopedFileReader scoped(files);
  return ReadLines("f.csv", max_line);
}

struct LinesCase {
  const char* name;
  std::string content;
  std::vector<std::string> want;
};

class LinesTest : public ::testing::TestWithParam<LinesCase> {};

TEST_P(LinesTest, PlainAndGzipReadAlike) {
  const LinesCase& c = GetParam();
  StatusOr<std::vector<std::string>> plain = LinesOf(c.content);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(*plain, c.want);
  StatusOr<std::vector<std::string>> gzip = LinesOf(Gzip(c.content));
  ASSERT_TRUE(gzip.ok()) << gzip.status().ToString();
  EXPECT_EQ(*gzip, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LinesTest,
    ::testing::Values(LinesCase{"empty", "", {}}, LinesCase{"one_line_no_end", "a,b", {"a,b"}},
                      LinesCase{"unix", "t,v\n1,2\n", {"t,v", "1,2"}},
                      LinesCase{"crlf", "t,v\r\n1,2\r\n", {"t,v", "1,2"}},
                      LinesCase{"blank_lines_kept", "a\n\nb\n", {"a", "", "b"}},
                      LinesCase{"last_line_without_end", "a\nb", {"a", "b"}},
                      LinesCase{"lone_newline", "\n", {""}}, LinesCase{"one_byte", "x", {"x"}}),
    [](const ::testing::TestParamInfo<LinesCase>& param) { return std::string(param.param.name); });

// Lines that straddle every chunk boundary, long files, and gzip members written one after
// the other (as `cat a.gz b.gz` makes) all come out whole and in order.
TEST(LineReaderTest, LargeFilesAndConcatenatedMembers) {
  std::mt19937 random(7);
  std::string text;
  std::vector<std::string> want;
  for (int i = 0; i < 40000; ++i) {
    std::string line(random() % 40, 'x');
    line += std::to_string(i);
    want.push_back(line);
    text += line + "\n";
  }
  StatusOr<std::vector<std::string>> plain = LinesOf(text);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, want);
  const size_t half = text.find('\n', text.size() / 2) + 1;
  const std::string two_members = Gzip(text.substr(0, half)) + Gzip(text.substr(half), 1);
  StatusOr<std::vector<std::string>> gzip = LinesOf(two_members);
  ASSERT_TRUE(gzip.ok()) << gzip.status().ToString();
  EXPECT_EQ(*gzip, want);
}

TEST(LineReaderTest, RefusesWhatItCannotRead) {
  const std::string text = "t,v\n1,2\n3,4\n";
  const std::string gz = Gzip(text);
  struct Bad {
    std::string content;
    StatusCode code;
    std::string message;  // what the message holds, after "f.csv:LINE: "
  };
  const Bad cases[] = {
      {gz.substr(0, gz.size() - 12), StatusCode::kInvalidArgument,
       ": truncated gzip (the file ends inside the compressed stream)"},
      {gz.substr(0, 2), StatusCode::kInvalidArgument,
       "f.csv:1: truncated gzip (the file ends inside the compressed stream)"},
      {gz.substr(0, gz.size() - 3), StatusCode::kInvalidArgument,
       "f.csv:4: truncated gzip (the file ends inside the compressed stream)"},
      {gz.substr(0, 10) + std::string(40, '\x7f'), StatusCode::kInvalidArgument,
       "f.csv:1: corrupt gzip: invalid block type"},
      {gz + "garbage after it", StatusCode::kInvalidArgument,
       "f.csv:4: corrupt gzip: data after the end of the compressed stream"},
  };
  for (const Bad& bad : cases) {
    StatusOr<std::vector<std::string>> lines = LinesOf(bad.content);
    ASSERT_FALSE(lines.ok()) << bad.message;
    EXPECT_EQ(lines.status().code(), bad.code);
    EXPECT_TRUE(lines.status().message().starts_with("f.csv:")) << lines.status().message();
    EXPECT_NE(lines.status().message().find(bad.message), std::string::npos)
        << lines.status().message();
  }
  // A line over the limit, plain or compressed, is refused at its line, not held.
  const std::string long_line = "a\n" + std::string(100, 'x') + "\nb\n";
  for (const std::string& content : {long_line, Gzip(long_line)}) {
    StatusOr<std::vector<std::string>> lines = LinesOf(content, 64);
    ASSERT_FALSE(lines.ok());
    EXPECT_EQ(lines.status().code(), StatusCode::kResourceExhausted);
    EXPECT_EQ(lines.status().message(), "f.csv:2: line longer than 64 bytes");
  }
  // Exactly at the limit, with "\r\n", is fine.
  StatusOr<std::vector<std::string>> at_limit = LinesOf(std::string(64, 'y') + "\r\n", 64);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->at(0).size(), 64u);
}

TEST(LineReaderTest, OpeningErrorsAreTheSeams) {
  InMemoryFileReader files;
  files.AddDirectory("dir");
  ScopedFileReader scoped(files);
  StatusOr<std::unique_ptr<LineReader>> missing = LineReader::Open("nope.csv");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "nope.csv: no such file");
  StatusOr<std::unique_ptr<LineReader>> dir = LineReader::Open("dir");
  EXPECT_EQ(dir.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(dir.status().message(), "dir: is a directory, expected a file");
}

// The disk reader streams: a file read through it gives the same lines as in memory, and the
// reader says whether it decompressed.
TEST(LineReaderTest, ReadsFromDisk) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("crescendo_lines_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string text = "t,v\n1,2\n";
  {
    std::ofstream(dir / "a.csv", std::ios::binary) << text;
    std::ofstream(dir / "a.csv.gz", std::ios::binary) << Gzip(text);
  }
  for (const char* name : {"a.csv", "a.csv.gz"}) {
    StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open((dir / name).string());
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->compressed(), std::string(name).ends_with(".gz"));
    std::string line;
    std::vector<std::string> got;
    while (true) {
      StatusOr<bool> more = (*reader)->Next(line);
      ASSERT_TRUE(more.ok());
      if (!*more) break;
      got.push_back(line);
    }
    EXPECT_EQ(got, (std::vector<std::string>{"t,v", "1,2"}));
    EXPECT_EQ((*reader)->line_number(), 2);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace crescendo::format

#include "crescendo/base/text.h"

#include <gtest/gtest.h>

#include <string>

namespace crescendo {
namespace {

TEST(QuoteExcerptTest, QuotesEscapesAndCuts) {
  struct Case {
    std::string text;
    size_t max;
    std::string want;
  };
  const Case cases[] = {
      {"colour", 60, "\"colour\""},
      {"", 60, "\"\""},
      {"a\"b\\c", 60, "\"a\\x22b\\x5cc\""},
      {std::string("tab\there\nnul") + '\0' + "\x7f", 60, "\"tab\\x09here\\x0anul\\x00\\x7f\""},
      {"h\xc3\xa9llo", 60, "\"h\xc3\xa9llo\""},  // UTF-8 passes through
      {"abcdefghij", 4, "\"abcd\"... (10 bytes)"},
      {"abcd", 4, "\"abcd\""},
      {"model-\xf7"
       "erver",
       60, "\"model-\\xf7erver\""},                 // not UTF-8
      {"\xc3", 60, "\"\\xc3\""},                    // cut sequence
      {"\xed\xa0\x80", 60, "\"\\xed\\xa0\\x80\""},  // a surrogate
      {"h\xc3\xa9", 2, "\"h\\xc3\"... (3 bytes)"},  // cut inside a sequence
  };
  for (const Case& c : cases) EXPECT_EQ(QuoteExcerpt(c.text, c.max), c.want) << c.text;
}

TEST(Utf8Test, PrintableUtf8) {
  EXPECT_TRUE(IsPrintableUtf8("model-server"));
  EXPECT_TRUE(IsPrintableUtf8("caf\xc3\xa9 \xf0\x9f\x8e\xb5"));
  EXPECT_TRUE(IsPrintableUtf8(""));
  EXPECT_FALSE(IsPrintableUtf8("tab\there"));
  EXPECT_FALSE(IsPrintableUtf8("del\x7f"));
  EXPECT_FALSE(IsPrintableUtf8("\xc0\xaf"));  // overlong '/'
  EXPECT_FALSE(IsPrintableUtf8("\xf5\x80\x80\x80"));
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac"), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82"), 0u);
}

}  // namespace
}  // namespace crescendo

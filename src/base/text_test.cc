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
  };
  for (const Case& c : cases) EXPECT_EQ(QuoteExcerpt(c.text, c.max), c.want) << c.text;
}

}  // namespace
}  // namespace crescendo

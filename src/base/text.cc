#include "crescendo/base/text.h"

#include <algorithm>

namespace crescendo {

std::string QuoteExcerpt(std::string_view text, size_t max_bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  const size_t shown = std::min(text.size(), max_bytes);
  std::string out = "\"";
  out.reserve(shown + 2);
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  if (shown < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace crescendo

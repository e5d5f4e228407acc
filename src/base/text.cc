#include "crescendo/base/text.h"

#include <algorithm>

namespace crescendo {

size_t Utf8SequenceLength(std::string_view text) {
  if (text.empty()) return 0;
  const auto c = static_cast<unsigned char>(text[0]);
  // RFC 3629, section 4: lead bytes C2..F4; no overlong forms, surrogates or code points past
  // U+10FFFF.
  size_t n = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
  if (n == 0 || n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[k]) & 0xc0) != 0x80) return 0;
  }
  const auto c1 = static_cast<unsigned char>(n > 1 ? text[1] : 0);
  if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) ||
      (c == 0xf4 && c1 > 0x8f)) {
    return 0;
  }
  return n;
}

bool IsPrintableUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0 || c < 0x20 || c == 0x7f) return false;
    i += n;
  }
  return true;
}

std::string QuoteExcerpt(std::string_view text, size_t max_bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  const size_t shown = std::min(text.size(), max_bytes);
  std::string out = "\"";
  out.reserve(shown + 2);
  for (size_t i = 0; i < shown;) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = Utf8SequenceLength(text.substr(i, shown - i));
    if (n == 0 || c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  out += '"';
  if (shown < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace crescendo

// Text for messages: a value from a file or a flag shown safely in an error.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_BASE_TEXT_H_
#define CRESCENDO_BASE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace crescendo {

// Returns `text` in double quotes, at most `max_bytes` of it, with control bytes, DEL, '"',
// '\' and bytes that are not well-formed UTF-8 written as \xNN (so the message stays one
// readable line of valid UTF-8 whatever the input held), and "... (N bytes)" after the quotes
// when it was cut. Well-formed UTF-8 passes through.
std::string QuoteExcerpt(std::string_view text, size_t max_bytes = 60);

// Returns the length of the well-formed UTF-8 sequence at the start of `text` (1 to 4), or 0
// when it does not start with one (an empty text included).
size_t Utf8SequenceLength(std::string_view text);

// Returns whether `text` is well-formed UTF-8 without control characters (below U+0020, DEL).
bool IsPrintableUtf8(std::string_view text);

}  // namespace crescendo

#endif  // CRESCENDO_BASE_TEXT_H_

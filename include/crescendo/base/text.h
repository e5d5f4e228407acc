// Text for messages: a value from a file or a flag shown safely in an error.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_BASE_TEXT_H_
#define CRESCENDO_BASE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace crescendo {

// Returns `text` in double quotes, at most `max_bytes` of it, with control bytes, DEL, '"' and
// '\' written as \xNN (so the message stays one readable line whatever the input held), and
// "... (N bytes)" after the quotes when it was cut. UTF-8 bytes pass through.
std::string QuoteExcerpt(std::string_view text, size_t max_bytes = 60);

}  // namespace crescendo

#endif  // CRESCENDO_BASE_TEXT_H_

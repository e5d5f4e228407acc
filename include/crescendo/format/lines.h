// Reading a text file line by line through the file seam (format/file.h), gzip-compressed or
// not: a file that starts with gzip's magic bytes (1f 8b, RFC 1952) is decompressed as it is
// read, concatenated members included (as gzip -d does). Traces and usage samples are read this
// way, so that tests can hand them in from memory and a file of any size streams in bounded
// memory.
//
// Errors carry no location: the caller adds "PATH:LINE: " (line_number()) in its own form.
//   NotFound, InvalidArgument, PermissionDenied, Unavailable   from opening (file.h's, with the
//   path) ResourceExhausted  "line longer than N MiB" (or "N bytes"): a line over max_line_bytes
//   InvalidArgument    "truncated gzip (the file ends inside the compressed stream)"
//                      "corrupt gzip: <zlib's message>"
//   Unavailable        "PATH: <the system's error text>" (a read failed)
//
// Thread safety: a LineReader is used by one thread at a time.
#ifndef CRESCENDO_FORMAT_LINES_H_
#define CRESCENDO_FORMAT_LINES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/format/file.h"

namespace crescendo::format {

class LineReader {
 public:
  // Opens `path` through the current FileReader. Lines longer than `max_line_bytes` (without
  // their end) are refused.
  static StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path,
                                                    size_t max_line_bytes = size_t{1} << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Sets `line` to the next line without its end ("\n", "\r\n"); returns false at the end of
  // the file (a last line without "\n" is a line). After an error the reader stays failed.
  StatusOr<bool> Next(std::string& line);
  // The 1-based number of the line Next() returned last (or failed in); 0 before the first.
  int64_t line_number() const { return line_number_; }
  bool compressed() const { return compressed_; }

 private:
  struct Inflater;
  LineReader(std::unique_ptr<InputStream> stream, size_t max_line_bytes);
  Status Start();
  // Makes text available in text_[at_, end_); returns false at the end of the text.
  StatusOr<bool> Fill();

  std::unique_ptr<InputStream> stream_;
  size_t max_line_bytes_;
  bool compressed_ = false;
  std::unique_ptr<Inflater> inflater_;
  std::vector<char> raw_;   // bytes read from the file (compressed, or the first plain chunk)
  std::vector<char> text_;  // decompressed text
  size_t at_ = 0, end_ = 0;
  int64_t line_number_ = 0;
  Status failed_ = Status::Ok();
};

// Reads the whole of `path` as lines (LineReader's rules and errors, an error then located as
// "PATH:LINE: ..."); for files small enough to hold.
StatusOr<std::vector<std::string>> ReadLines(const std::string& path,
                                             size_t max_line_bytes = size_t{1} << 20);

}  // namespace crescendo::format

#endif  // CRESCENDO_FORMAT_LINES_H_

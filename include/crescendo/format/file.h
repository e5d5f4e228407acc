// The file seam: every file the program reads goes through one FileReader, which tests replace.
//
// ReadFile(path, max_bytes) reads a whole file through the current reader: the real file system
// unless a ScopedFileReader installed another (an InMemoryFileReader, or a fault-injecting one).
// OpenFile(path) opens one to read as a stream (traces, usage samples: format/lines.h reads them
// by line, gzip or not). Errors name the path and what went wrong, and are the same for every
// reader:
//   NotFound           "PATH: no such file"
//   InvalidArgument    "PATH: is a directory, expected a file" (or "is not a regular file")
//                      "an empty path, expected a file"
//   ResourceExhausted  "PATH: N bytes, expected at most MAX bytes"
//   PermissionDenied   "PATH: permission denied"
//   Unavailable        "PATH: <the system's error text>" (any other failure to read)
//
// Thread safety: ReadFile and the readers are safe to call from any thread. Installing a reader
// (ScopedFileReader) is not: do it before starting threads that read files (it is for tests).
#ifndef CRESCENDO_FORMAT_FILE_H_
#define CRESCENDO_FORMAT_FILE_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "crescendo/base/status.h"

namespace crescendo::format {

// The default size limit of ReadFile: 64 MiB. Callers that read smaller things pass their own.
inline constexpr size_t kDefaultMaxFileBytes = size_t{64} << 20;

// An open file read in pieces. Not thread-safe: one reader at a time.
class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to `size` bytes into `data` and returns how many; 0 at the end of the file.
  // Errors: Unavailable "PATH: <the system's error text>".
  virtual StatusOr<size_t> Read(char* data, size_t size) = 0;
};

class FileReader {
 public:
  virtual ~FileReader() = default;
  // Returns the whole content of the regular file `path`, at most `max_bytes` long; the errors
  // are those listed at the top of this file.
  virtual StatusOr<std::string> Read(const std::string& path, size_t max_bytes) const = 0;
  // Opens the regular file `path` to read as a stream, of any size; the errors are those listed
  // at the top of this file but ResourceExhausted.
  virtual StatusOr<std::unique_ptr<InputStream>> Open(const std::string& path) const = 0;
};

// The file system. A file is refused by its size before any byte is read (a file that grows while
// it is read is cut at max_bytes + 1 and refused too).
class DiskFileReader : public FileReader {
 public:
  StatusOr<std::string> Read(const std::string& path, size_t max_bytes) const override;
  StatusOr<std::unique_ptr<InputStream>> Open(const std::string& path) const override;
};

// Files held in memory, for tests: a path that was not added is missing. A stream reads a copy
// of the file's content as it was when opened.
class InMemoryFileReader : public FileReader {
 public:
  void AddFile(std::string path, std::string content);
  void AddDirectory(std::string path);
  StatusOr<std::string> Read(const std::string& path, size_t max_bytes) const override;
  StatusOr<std::unique_ptr<InputStream>> Open(const std::string& path) const override;

 private:
  std::map<std::string, std::string> files_;
  std::map<std::string, bool> directories_;
};

// Reads `path` through the current reader (see the top of this file).
StatusOr<std::string> ReadFile(const std::string& path, size_t max_bytes = kDefaultMaxFileBytes);

// Opens `path` as a stream through the current reader (see the top of this file).
StatusOr<std::unique_ptr<InputStream>> OpenFile(const std::string& path);

// Returns the current reader: the DiskFileReader unless a ScopedFileReader replaced it.
const FileReader& CurrentFileReader();

// Installs `reader` as the current reader for its lifetime, then restores the previous one.
// `reader` must outlive this object. Not thread-safe (see the top of this file).
class ScopedFileReader {
 public:
  explicit ScopedFileReader(const FileReader& reader);
  ~ScopedFileReader();
  ScopedFileReader(const ScopedFileReader&) = delete;
  ScopedFileReader& operator=(const ScopedFileReader&) = delete;

 private:
  const FileReader* previous_;
};

}  // namespace crescendo::format

#endif  // CRESCENDO_FORMAT_FILE_H_

#include "crescendo/format/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>

namespace crescendo::format {
namespace {

Status OpenError(const std::string& path, int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return NotFoundError(path + ": no such file");
    case EISDIR:
      return InvalidArgumentError(path + ": is a directory, expected a file");
    case EACCES:
    case EPERM:
      return PermissionDeniedError(path + ": permission denied");
    default:
      return UnavailableError(path + ": " + std::strerror(error));
  }
}

// `size` is the file's size, or nullopt when it grew past max_bytes while it was read.
Status TooBig(const std::string& path, std::optional<size_t> size, size_t max_bytes) {
  std::string found = size ? std::to_string(*size) : "more than " + std::to_string(max_bytes);
  return ResourceExhaustedError(path + ": " + found + " bytes, expected at most " +
                                std::to_string(max_bytes) + " bytes");
}

// Closes a descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Opens `path` read-only and checks that it is a regular file; returns the descriptor.
StatusOr<int> OpenRegular(const std::string& path, struct stat& st) {
  if (path.empty()) return InvalidArgumentError("an empty path, expected a file");
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below as not regular.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return OpenError(path, errno);
  Status refused = Status::Ok();
  if (::fstat(fd, &st) != 0) {
    refused = OpenError(path, errno);
  } else if (S_ISDIR(st.st_mode)) {
    refused = OpenError(path, EISDIR);
  } else if (!S_ISREG(st.st_mode)) {
    refused = InvalidArgumentError(path + ": is not a regular file, expected a file");
  }
  if (!refused.ok()) {
    ::close(fd);
    return refused;
  }
  return fd;
}

class DiskStream final : public InputStream {
 public:
  DiskStream(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  StatusOr<size_t> Read(char* data, size_t size) override {
    while (true) {
      ssize_t n = ::read(fd_.get(), data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return UnavailableError(path_ + ": " + std::strerror(errno));
      return static_cast<size_t>(n);
    }
  }

 private:
  std::string path_;
  Descriptor fd_;
};

class StringStream final : public InputStream {
 public:
  explicit StringStream(std::string content) : content_(std::move(content)) {}
  StatusOr<size_t> Read(char* data, size_t size) override {
    const size_t n = std::min(size, content_.size() - at_);
    std::memcpy(data, content_.data() + at_, n);
    at_ += n;
    return n;
  }

 private:
  std::string content_;
  size_t at_ = 0;
};

const DiskFileReader kDisk;
std::atomic<const FileReader*> current{&kDisk};

}  // namespace

StatusOr<std::string> DiskFileReader::Read(const std::string& path, size_t max_bytes) const {
  struct stat st {};
  CRESCENDO_ASSIGN_OR_RETURN(int opened, OpenRegular(path, st));
  Descriptor fd(opened);
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return TooBig(path, static_cast<size_t>(st.st_size), max_bytes);
  }
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  size_t used = 0;
  while (true) {
    if (used == text.size()) {
      if (text.size() > max_bytes) return TooBig(path, std::nullopt, max_bytes);
      text.resize(std::min(max_bytes + 1, std::max<size_t>(text.size() * 2, 4096)));
    }
    ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return OpenError(path, errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > max_bytes) return TooBig(path, std::nullopt, max_bytes);
  text.resize(used);
  return text;
}

StatusOr<std::unique_ptr<InputStream>> DiskFileReader::Open(const std::string& path) const {
  struct stat st {};
  CRESCENDO_ASSIGN_OR_RETURN(int fd, OpenRegular(path, st));
  // A regular file opened O_NONBLOCK reads as a blocking one; clear the flag all the same.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return std::unique_ptr<InputStream>(std::make_unique<DiskStream>(path, fd));
}

void InMemoryFileReader::AddFile(std::string path, std::string content) {
  files_[std::move(path)] = std::move(content);
}

void InMemoryFileReader::AddDirectory(std::string path) { directories_[std::move(path)] = true; }

StatusOr<std::string> InMemoryFileReader::Read(const std::string& path, size_t max_bytes) const {
  if (path.empty()) return InvalidArgumentError("an empty path, expected a file");
  if (directories_.count(path) > 0) return OpenError(path, EISDIR);
  auto it = files_.find(path);
  if (it == files_.end()) return OpenError(path, ENOENT);
  if (it->second.size() > max_bytes) return TooBig(path, it->second.size(), max_bytes);
  return it->second;
}

StatusOr<std::unique_ptr<InputStream>> InMemoryFileReader::Open(const std::string& path) const {
  if (path.empty()) return InvalidArgumentError("an empty path, expected a file");
  if (directories_.count(path) > 0) return OpenError(path, EISDIR);
  auto it = files_.find(path);
  if (it == files_.end()) return OpenError(path, ENOENT);
  return std::unique_ptr<InputStream>(std::make_unique<StringStream>(it->second));
}

const FileReader& CurrentFileReader() { return *current.load(); }

StatusOr<std::unique_ptr<InputStream>> OpenFile(const std::string& path) {
  return CurrentFileReader().Open(path);
}

StatusOr<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  return CurrentFileReader().Read(path, max_bytes);
}

ScopedFileReader::ScopedFileReader(const FileReader& reader) : previous_(current.load()) {
  current.store(&reader);
}

ScopedFileReader::~ScopedFileReader() { current.store(previous_); }

}  // namespace crescendo::format

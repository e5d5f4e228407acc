// ConfigFiles: the only way the configuration layer touches the file system.
//
// The loader and the watcher read through this interface so tests can give them files in memory
// and change them between two reloads. LocalConfigFiles reads the real file system.
//
// Thread safety: LocalConfigFiles is thread-safe. InMemoryConfigFiles is thread-safe.
#ifndef CRESCENDO_CONFIG_CONFIG_FILES_H_
#define CRESCENDO_CONFIG_CONFIG_FILES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crescendo/base/status.h"

namespace crescendo::config {

// What the watcher compares to notice a change: modification time and size.
struct FileStamp {
  int64_t modified_ns = 0;
  int64_t size_bytes = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

class ConfigFiles {
 public:
  virtual ~ConfigFiles() = default;
  // Expands `paths`: a file stands for itself; a directory for every *.yaml and *.yml file
  // below it (recursively, hidden entries skipped), sorted by path. Duplicates are dropped.
  // Errors: NotFound naming the path that does not exist.
  virtual StatusOr<std::vector<std::string>> Expand(const std::vector<std::string>& paths) = 0;
  // Returns the content of `path`. Errors: NotFound, PermissionDenied, Unavailable.
  virtual StatusOr<std::string> Read(const std::string& path) = 0;
  // Returns the stamp of `path`. Errors: NotFound.
  virtual StatusOr<FileStamp> Stat(const std::string& path) = 0;
};

// The real file system.
class LocalConfigFiles final : public ConfigFiles {
 public:
  StatusOr<std::vector<std::string>> Expand(const std::vector<std::string>& paths) override;
  StatusOr<std::string> Read(const std::string& path) override;
  StatusOr<FileStamp> Stat(const std::string& path) override;
};

// Files held in memory, keyed by path; a directory is any prefix ending in '/'. Each Put()
// gives the file a new stamp (a counter), so the watcher sees every change.
class InMemoryConfigFiles final : public ConfigFiles {
 public:
  void Put(const std::string& path, std::string content);
  void Remove(const std::string& path);

  StatusOr<std::vector<std::string>> Expand(const std::vector<std::string>& paths) override;
  StatusOr<std::string> Read(const std::string& path) override;
  StatusOr<FileStamp> Stat(const std::string& path) override;

 private:
  struct File {
    std::string content;
    FileStamp stamp;
  };
  std::mutex mu_;
  std::map<std::string, File> files_;
  int64_t version_ = 0;
};

}  // namespace crescendo::config

#endif  // CRESCENDO_CONFIG_CONFIG_FILES_H_

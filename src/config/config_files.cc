#include "crescendo/config/config_files.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "crescendo/format/file.h"

namespace crescendo::config {

namespace fs = std::filesystem;

namespace {

bool IsYaml(const fs::path& path) {
  return path.extension() == ".yaml" || path.extension() == ".yml";
}

bool IsHidden(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

Status ListDirectory(const std::string& root, std::vector<std::string>& out) {
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(root, ec);
  if (ec) return UnavailableError("cannot list " + root + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return UnavailableError("cannot list " + root + ": " + ec.message());
    if (IsHidden(it->path())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && IsYaml(it->path())) out.push_back(it->path().string());
  }
  return Status::Ok();
}

// Sorts each path's files and drops repeats, keeping the order of `paths`.
std::vector<std::string> Deduplicate(std::vector<std::vector<std::string>> groups) {
  std::vector<std::string> result;
  std::set<std::string> seen;
  for (std::vector<std::string>& group : groups) {
    std::sort(group.begin(), group.end());
    for (std::string& path : group) {
      if (seen.insert(path).second) result.push_back(std::move(path));
    }
  }
  return result;
}

}  // namespace

StatusOr<std::vector<std::string>> LocalConfigFiles::Expand(const std::vector<std::string>& paths) {
  std::vector<std::vector<std::string>> groups;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) return NotFoundError(path + ": no such file or directory");
    std::vector<std::string> group;
    if (fs::is_directory(status)) {
      CRESCENDO_RETURN_IF_ERROR(ListDirectory(path, group));
    } else {
      group.push_back(path);
    }
    groups.push_back(std::move(group));
  }
  return Deduplicate(std::move(groups));
}

StatusOr<std::string> LocalConfigFiles::Read(const std::string& path) {
  return format::ReadFile(path);
}

StatusOr<FileStamp> LocalConfigFiles::Stat(const std::string& path) {
  std::error_code ec;
  auto modified = fs::last_write_time(path, ec);
  if (ec) return NotFoundError(path + ": " + ec.message());
  auto size = fs::file_size(path, ec);
  if (ec) return NotFoundError(path + ": " + ec.message());
  return FileStamp{
      std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count(),
      static_cast<int64_t>(size)};
}

void InMemoryConfigFiles::Put(const std::string& path, std::string content) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t size = static_cast<int64_t>(content.size());
  files_[path] = File{std::move(content), FileStamp{++version_, size}};
}

void InMemoryConfigFiles::Remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  files_.erase(path);
}

StatusOr<std::vector<std::string>> InMemoryConfigFiles::Expand(
    const std::vector<std::string>& paths) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::vector<std::string>> groups;
  for (const std::string& path : paths) {
    std::vector<std::string> group;
    if (files_.count(path) > 0) {
      group.push_back(path);
    } else {
      std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
      for (const auto& [name, file] : files_) {
        if (name.rfind(prefix, 0) == 0 && IsYaml(name)) group.push_back(name);
      }
      if (group.empty()) return NotFoundError(path + ": no such file or directory");
    }
    groups.push_back(std::move(group));
  }
  return Deduplicate(std::move(groups));
}

StatusOr<std::string> InMemoryConfigFiles::Read(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError(path + ": no such file");
  return it->second.content;
}

StatusOr<FileStamp> InMemoryConfigFiles::Stat(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError(path + ": no such file");
  return it->second.stamp;
}

}  // namespace crescendo::config

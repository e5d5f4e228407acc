#include "kubernetes/informer.h"

#include <fmt/format.h>

namespace crescendo::kubernetes {

std::string KeyOf(const nlohmann::json& object) {
  if (!object.is_object() || !object.contains("metadata")) return "/";
  const nlohmann::json& m = object["metadata"];
  return m.value("namespace", "") + "/" + m.value("name", "");
}

Informer::Informer(ApiClient* client, std::string path, bool optional)
    : client_(client), path_(std::move(path)), optional_(optional) {}

Informer::~Informer() { Stop(); }

Status Informer::Start() {
  Status listed = List();
  if (!listed.ok()) {
    if (!(optional_ && listed.code() == StatusCode::kNotFound)) return listed;
    absent_ = true;
    return Status::Ok();
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void Informer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Status Informer::List() {
  std::map<std::string, nlohmann::json> objects;
  std::string cont, rv;
  do {
    std::string path = path_ + "?limit=500";
    if (!cont.empty()) path += "&continue=" + cont;
    CRESCENDO_ASSIGN_OR_RETURN(ApiResponse r, client_->Call("GET", path));
    if (r.status == 410 && !cont.empty()) {  // the continue token expired: start over
      objects.clear();
      cont.clear();
      continue;
    }
    if (r.status != 200) return StatusFromResponse("GET", path, r);
    nlohmann::json list = nlohmann::json::parse(r.body, nullptr, false);
    if (!list.is_object() || !list.contains("items") || !list["items"].is_array()) {
      return InvalidArgumentError("GET " + path + ": expected a list with items");
    }
    for (nlohmann::json& item : list["items"]) {
      std::string key = KeyOf(item);  // before the move
      objects[key] = std::move(item);
    }
    const nlohmann::json& meta = list.value("metadata", nlohmann::json::object());
    rv = meta.value("resourceVersion", "");
    cont = meta.value("continue", "");
  } while (!cont.empty());
  std::lock_guard<std::mutex> lock(mu_);
  objects_ = std::move(objects);
  resource_version_ = rv;
  generation_++;
  return Status::Ok();
}

bool Informer::Apply(std::string_view line, bool* gone) {
  nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
  if (!event.is_object() || !event.contains("object")) return true;  // skip noise
  const std::string type = event.value("type", "");
  nlohmann::json& object = event["object"];
  if (type == "ERROR") {
    *gone = object.value("code", 0) == 410;
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (object.contains("metadata")) {
    resource_version_ = object["metadata"].value("resourceVersion", resource_version_);
  }
  if (type == "BOOKMARK") return true;
  if (type == "DELETED") {
    objects_.erase(KeyOf(object));
  } else if (type == "ADDED" || type == "MODIFIED") {
    std::string key = KeyOf(object);  // before the move
    objects_[key] = std::move(object);
  }
  generation_++;
  return true;
}

void Informer::Loop() {
  int failures = 0;
  while (!stop_) {
    const std::string path = fmt::format(
        "{}?watch=1&allowWatchBookmarks=true&timeoutSeconds={}&resourceVersion={}", path_,
        static_cast<int64_t>(ToSeconds(client_->watch_timeout())), resource_version());
    bool gone = false;
    std::string error_body;
    StatusOr<int> code = client_->Watch(
        path, [&](std::string_view line) { return Apply(line, &gone); }, stop_, &error_body);
    if (stop_) break;
    client_->CountWatchRestart();
    if (gone || (code.ok() && *code == 410)) {
      // Our resourceVersion is older than the server keeps: list afresh.
      client_->CountRelist();
      Status s = List();
      failures = s.ok() ? 0 : failures + 1;
    } else if (!code.ok() || *code != 200) {
      failures++;
    } else {
      failures = 0;
    }
    if (failures > 0) {  // back off before trying again: 0.2 s, 0.4 s, ... at most 5 s
      Duration wait = std::min<Duration>(
          std::chrono::milliseconds(200) * (1 << std::min(failures, 5)), std::chrono::seconds(5));
      client_->clock().SleepUntil(client_->clock().Now() + wait);
    }
  }
}

void Informer::ForEach(const std::function<void(const nlohmann::json&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, object] : objects_) fn(object);
}

nlohmann::json Informer::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nlohmann::json() : it->second;
}

std::string Informer::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resource_version_;
}

}  // namespace crescendo::kubernetes

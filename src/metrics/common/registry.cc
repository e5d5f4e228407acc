#include "crescendo/metrics/registry.h"

#include <charconv>
#include <cstdlib>

#include "metrics/common/settings_reader.h"

namespace crescendo::metrics {
namespace {

// A source answering to another name (what the bindings call it), reading through `inner`.
class RenamedSource final : public MetricSource {
 public:
  RenamedSource(std::string name, std::shared_ptr<MetricSource> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  std::string_view name() const override { return name_; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    return inner_->Read(request);
  }

 private:
  std::string name_;
  std::shared_ptr<MetricSource> inner_;
};

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Status MetricSourceRegistry::Register(std::string type, SourceFactory factory) {
  if (factories_.contains(type)) {
    return AlreadyExistsError("metric source type \"" + type + "\" is already registered");
  }
  factories_.emplace(std::move(type), std::move(factory));
  return Status::Ok();
}

StatusOr<std::shared_ptr<MetricSource>> MetricSourceRegistry::Create(
    std::string_view type, const SourceSettings& settings, const SourceContext& context) const {
  const auto it = factories_.find(type);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& [name, factory] : factories_) known += (known.empty() ? "" : ", ") + name;
    return NotFoundError("metric source type \"" + std::string(type) + "\" is unknown; expected " +
                         "one of " + known);
  }
  return it->second(settings, context);
}

StatusOr<std::shared_ptr<MetricSource>> MetricSourceRegistry::CreateNamed(
    std::string name, std::string_view type, const SourceSettings& settings,
    const SourceContext& context) const {
  CRESCENDO_ASSIGN_OR_RETURN(std::shared_ptr<MetricSource> source, Create(type, settings, context));
  if (source->name() == name) return source;
  return std::shared_ptr<MetricSource>(
      std::make_shared<RenamedSource>(std::move(name), std::move(source)));
}

std::vector<std::string> MetricSourceRegistry::Types() const {
  std::vector<std::string> types;
  for (const auto& [name, factory] : factories_) types.push_back(name);
  return types;
}

StatusOr<std::string> SettingsReader::Required(const std::string& key) {
  read_.insert(key);
  const auto it = settings_.find(key);
  if (it == settings_.end() || it->second.empty()) return Error(key, "missing; it is required");
  return it->second;
}

std::string SettingsReader::Optional(const std::string& key, std::string fallback) {
  read_.insert(key);
  const auto it = settings_.find(key);
  if (it == settings_.end()) return fallback;
  return it->second;
}

StatusOr<int64_t> SettingsReader::Integer(const std::string& key, int64_t fallback, int64_t min) {
  const std::string text = Optional(key, "");
  if (text.empty()) return fallback;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    return Error(key, "found \"" + text + "\"; expected an integer >= " + std::to_string(min));
  }
  return value;
}

StatusOr<bool> SettingsReader::Boolean(const std::string& key, bool fallback) {
  const std::string text = Optional(key, "");
  if (text.empty()) return fallback;
  if (text == "true") return true;
  if (text == "false") return false;
  return Error(key, "found \"" + text + "\"; expected true or false");
}

StatusOr<std::string> SettingsReader::Secret(const std::string& key) {
  const std::string variable = Optional(key, "");
  if (variable.empty()) return std::string();
  std::optional<std::string> value = context_.env ? context_.env(variable) : std::nullopt;
  if (!value) return Error(key, "environment variable " + variable + " is not set");
  return *value;
}

Status SettingsReader::Finish() const {
  for (const auto& [key, value] : settings_) {
    if (key == "type" || read_.contains(key)) continue;
    std::string known;
    for (const std::string& k : read_) known += (known.empty() ? "" : ", ") + k;
    return Error(key, "unknown; expected one of " + known);
  }
  return Status::Ok();
}

}  // namespace crescendo::metrics

#include "crescendo/metrics/registry.h"
#include "metrics/cloudwatch/cloudwatch.h"
#include "metrics/common/settings_reader.h"

namespace crescendo::metrics {

// Settings: region (required), endpoint, profile (overrides AWS_PROFILE), max_throttle_retries,
// seed. Credentials: the environment, else the shared credentials file (see aws.h).
StatusOr<std::shared_ptr<MetricSource>> NewCloudWatchSource(const SourceSettings& settings,
                                                            const SourceContext& context) {
  SettingsReader reader("cloudwatch", settings, context);
  cloudwatch::SourceOptions options;
  CRESCENDO_ASSIGN_OR_RETURN(options.region, reader.Required("region"));
  options.endpoint = reader.Optional("endpoint", "");
  const std::string profile = reader.Optional("profile", "");
  CRESCENDO_ASSIGN_OR_RETURN(int64_t retries, reader.Integer("max_throttle_retries", 4, 0));
  options.max_throttle_retries = static_cast<int>(retries);
  CRESCENDO_ASSIGN_OR_RETURN(int64_t seed, reader.Integer("seed", 1, 0));
  options.seed = static_cast<uint64_t>(seed);
  CRESCENDO_RETURN_IF_ERROR(reader.Finish());
  if (context.clock == nullptr) {
    return InvalidArgumentError("metric source cloudwatch: the context has no clock");
  }
  const aws::EnvLookup env = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_PROFILE" && !profile.empty()) return profile;
    return context.env ? context.env(name) : std::nullopt;
  };
  StatusOr<aws::Credentials> credentials = aws::ResolveCredentials(env);
  if (!credentials.ok()) return credentials.status().WithContext("metric source cloudwatch");
  options.credentials = *std::move(credentials);
  return std::shared_ptr<MetricSource>(
      std::make_shared<cloudwatch::Source>(context.http, std::move(options), *context.clock));
}

}  // namespace crescendo::metrics

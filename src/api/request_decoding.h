// Decoding of the API's request bodies and path segments: strict JSON (no unknown fields, exact
// types), names that cannot escape their place (no path traversal, no metacharacters).
//
// Every error names the field ("files.services/a.yaml", "base_version") and what was expected.
// Thread safety: pure functions. Fuzzed by request_decoding_fuzzer.cc.
#ifndef CRESCENDO_API_REQUEST_DECODING_H_
#define CRESCENDO_API_REQUEST_DECODING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crescendo::api {

// A refused input: the field it concerns (may be empty for the whole body) and why.
struct DecodeError {
  std::string field;
  std::string message;
};

// PUT /api/v1/config: {"base_version": N, "files": {PATH: TEXT or null}, "message": TEXT}.
// A null text removes the file.
struct ConfigChange {
  int64_t base_version = 0;
  std::map<std::string, std::optional<std::string>> files;
  std::string message;
};

// POST /api/v1/config/rollback: {"version": N, "base_version": N, "message": TEXT}.
struct Rollback {
  int64_t version = 0;
  int64_t base_version = 0;
  std::string message;
};

// POST /api/v1/simulations: {"scenario": "config" | NAME, "tenant": NAME, "files": {PATH: TEXT or
// null}, "strategies": [NAME, ...], "duration_seconds": N, "seed": N}. `files` (only with
// "config") is a proposed change of the newest configuration version, as in ConfigChange; the
// tenant (optional) keeps that tenant's services only.
struct SimulationRequest {
  std::string scenario;
  std::string tenant;  // empty: every service
  std::map<std::string, std::optional<std::string>> files;
  std::vector<std::string> strategies;
  int64_t duration_seconds = 0;
  uint64_t seed = 1;
};

// The most strategies one simulation compares.
inline constexpr size_t kMaxStrategies = 8;

// Each returns nullopt and fills *error when the body does not decode.
std::optional<ConfigChange> DecodeConfigChange(std::string_view body, DecodeError* error);
std::optional<Rollback> DecodeRollback(std::string_view body, DecodeError* error);
std::optional<SimulationRequest> DecodeSimulationRequest(std::string_view body, DecodeError* error);

// True for a tenant or service name: 1-63 characters of [a-z0-9-], starting and ending with a
// letter or digit (a Kubernetes DNS label, RFC 1123).
bool IsValidName(std::string_view name);
// True for a configuration file path: relative, at most 8 segments of [A-Za-z0-9_.-] none of
// which starts with '.', ending in .yaml or .yml, at most 200 characters.
bool IsValidConfigPath(std::string_view path);

// Parses a non-negative decimal integer query parameter within [min, max].
std::optional<int64_t> ParseBoundedInt(std::string_view text, int64_t min, int64_t max);

}  // namespace crescendo::api

#endif  // CRESCENDO_API_REQUEST_DECODING_H_

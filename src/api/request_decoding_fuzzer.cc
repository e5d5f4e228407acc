// libFuzzer target: the API's request decoding must never crash, hang or accept a file path that
// leaves the configuration root, whatever the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/request_decoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  crescendo::api::DecodeError error;
  if (auto change = crescendo::api::DecodeConfigChange(body, &error)) {
    for (const auto& [path, text] : change->files) {
      if (path.find("..") == 0 || path.find("/../") != std::string_view::npos ||
          path.front() == '/') {
        std::abort();  // a traversal got through
      }
    }
  }
  crescendo::api::DecodeRollback(body, &error);
  if (auto run = crescendo::api::DecodeSimulationRequest(body, &error)) {
    if (run->strategies.empty() || run->duration_seconds < 1 ||
        (run->scenario != "config" && !run->files.empty())) {
      std::abort();  // an invalid request decoded
    }
    for (const auto& [path, text] : run->files) {
      if (!crescendo::api::IsValidConfigPath(path)) std::abort();
    }
  }
  crescendo::api::IsValidName(body);
  crescendo::api::ParseBoundedInt(body, 0, 1000);
  return 0;
}

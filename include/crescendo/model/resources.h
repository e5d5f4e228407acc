// CPU and memory amounts, in the units the engine computes with.
#ifndef CRESCENDO_MODEL_RESOURCES_H_
#define CRESCENDO_MODEL_RESOURCES_H_

#include <cstdint>

namespace crescendo {

struct Resources {
  int64_t cpu_millis = 0;    // millicores
  int64_t memory_bytes = 0;  // bytes

  friend bool operator==(const Resources&, const Resources&) = default;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_RESOURCES_H_

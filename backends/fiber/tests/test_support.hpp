#pragma once
// Shared by the fiber backend's unit tests: runtimes on a given pool size
// and timeouts that stretch with ACTORSPEC_TIMEOUT_SCALE.

#include <chrono>
#include <memory>

#include "actorspec/actorspec.hpp"
#include "actorspec/core/core_runtime.hpp"
#include "fiber_executor.hpp"

namespace actorspec::fiber_backend::testing {

inline std::unique_ptr<Runtime> fiber_runtime(unsigned workers, std::size_t stack_size = 0) {
  return core::make_runtime("fiber", std::make_unique<FiberExecutor>(workers, stack_size));
}

}  // namespace actorspec::fiber_backend::testing

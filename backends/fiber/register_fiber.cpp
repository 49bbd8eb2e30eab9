// Registers the "fiber" backend. Its own object (the OBJECT library
// actorspec::fiber), apart from the executor (actorspec::fiber_executor): linking
// the executor to reuse it does not register the backend as well.
#include "actorspec/backends.hpp"
#include "actorspec/core/core_runtime.hpp"
#include "fiber_executor.hpp"

namespace {
const actorspec::BackendRegistration registration("fiber", [](const actorspec::RuntimeOptions& options) {
  return actorspec::core::make_runtime(
      "fiber", std::make_unique<actorspec::fiber_backend::FiberExecutor>(options.workers, options.stack_size));
});
}  // namespace

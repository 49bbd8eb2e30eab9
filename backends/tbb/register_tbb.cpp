// Registers the "tbb" backend. Its own object (the OBJECT library
// actorspec::tbb), apart from the executor (actorspec::tbb_executor): linking
// the executor to reuse it does not register the backend as well.
#include "actorspec/backends.hpp"
#include "actorspec/core/core_runtime.hpp"
#include "tbb_executor.hpp"

namespace {
const actorspec::BackendRegistration registration("tbb", [](const actorspec::RuntimeOptions& options) {
  return actorspec::core::make_runtime(
      "tbb", std::make_unique<actorspec::tbb_backend::TbbExecutor>(options.workers, options.stack_size));
});
}  // namespace

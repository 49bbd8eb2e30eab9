// Registers the "thread" backend. Its own object (the OBJECT library
// actorspec::thread), apart from the executor (actorspec::thread_executor): linking
// the executor to reuse it does not register the backend as well.
#include "actorspec/backends.hpp"
#include "actorspec/core/core_runtime.hpp"
#include "thread_executor.hpp"

namespace {
const actorspec::BackendRegistration registration("thread", [](const actorspec::RuntimeOptions& options) {
  return actorspec::core::make_runtime(
      "thread", std::make_unique<actorspec::thread_backend::ThreadExecutor>(options.stack_size));
});
}  // namespace

// The Executor contract on the thread executor.
#include "actorspec/testing/executor_contract.hpp"
#include "thread_executor.hpp"

ACTORSPEC_EXECUTOR_CONTRACT(Thread, "thread", [](unsigned) {
  return std::make_unique<actorspec::thread_backend::ThreadExecutor>(0);
});

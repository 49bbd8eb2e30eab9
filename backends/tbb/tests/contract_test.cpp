// The Executor contract on the tbb executor.
#include "actorspec/testing/executor_contract.hpp"
#include "tbb_executor.hpp"

ACTORSPEC_EXECUTOR_CONTRACT(Tbb, "tbb", [](unsigned workers) {
  return std::make_unique<actorspec::tbb_backend::TbbExecutor>(workers, 0);
});

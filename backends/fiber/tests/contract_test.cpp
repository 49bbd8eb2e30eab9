// The Executor contract on the fiber executor, and what only it has: the
// pool size and stack size it was given.
#include <thread>

#include "actorspec/testing/executor_contract.hpp"
#include "actorspec/stackful/stack_pool.hpp"
#include "fiber_executor.hpp"

ACTORSPEC_EXECUTOR_CONTRACT(Fiber, "fiber", [](unsigned workers) {
  return std::make_unique<actorspec::fiber_backend::FiberExecutor>(workers, 0);
});

namespace actorspec::fiber_backend {
namespace {

TEST(FiberExecutorOptions, default_pool_is_the_hardware) {
  FiberExecutor ex(0, 0);
  const unsigned hw = std::thread::hardware_concurrency();
  EXPECT_EQ(ex.workers(), hw ? hw : 1u);
  EXPECT_EQ(ex.stack_size(), FiberExecutor::kDefaultStackSize);
  ex.join();
}

TEST(FiberExecutorOptions, stack_size_is_rounded_up_to_pages_with_a_guard_page_beyond) {
  FiberExecutor ex(1, 40000);
  EXPECT_EQ(ex.stack_size(), 40960u) << "usable bytes, rounded up to whole pages";
  EXPECT_EQ(stackful::StackPool::guard_size(), 4096u);
  EXPECT_TRUE(stackful::StackPool::guard_regions()) << "this kernel has guard regions (Linux 6.13+)";
  ex.join();
}

}  // namespace
}  // namespace actorspec::fiber_backend

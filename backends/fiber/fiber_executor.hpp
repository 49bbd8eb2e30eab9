#pragma once
// The fiber backend: every process is a Boost.Fiber fiber; fibers share a
// pool of worker threads (one pool per runtime). A process that waits in
// receive parks its fiber, never its thread.

#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "actorspec/core/executor.hpp"
#include "actorspec/stackful/stack_pool.hpp"
#include "worker_pool.hpp"

namespace actorspec::fiber_backend {

class FiberExecutor final : public core::Executor {
 public:
  // Usable stack bytes per process when none are asked for (the stackful
  // backends' one default).
  static constexpr std::size_t kDefaultStackSize = stackful::kDefaultStackSize;

  // workers == 0: std::thread::hardware_concurrency(); stack_size == 0: the default.
  FiberExecutor(unsigned workers, std::size_t stack_size);
  ~FiberExecutor() override;

  unsigned workers() const override { return pool_.size(); }
  void launch(core::Schedulable& process, std::function<void()> entry) override;
  bool park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) override;
  void wake(core::Schedulable& process) override;
  void yield(core::Schedulable& process) override;
  core::Schedulable* current() override;
  void join() override;

  // Usable bytes per process stack, the guard page not included.
  std::size_t stack_size() const { return stacks_.usable_size(); }

 private:
  void finished();

  stackful::StackPool stacks_;  // declared before pool_: outlives every fiber
  WorkerPool pool_;
  std::mutex mu_;
  std::condition_variable all_done_;
  std::size_t running_ = 0;  // mu_: launched entries that have not returned
};

}  // namespace actorspec::fiber_backend

#pragma once
// The fiber backend: every process is a Boost.Fiber fiber; fibers share a
// pool of worker threads (one pool per runtime). A process that waits in
// receive parks its fiber, never its thread.

#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "actorspec/core/executor.hpp"
#include "stack_pool.hpp"
#include "worker_pool.hpp"

namespace actorspec::fiber_backend {

class FiberExecutor final : public core::Executor {
 public:
  // A process body is a loop around receive, not a deep recursion; 128 KiB
  // leaves room for formatting, exceptions and test assertions. Only the
  // pages a process touches cost memory. Sanitizer builds use bigger frames.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  static constexpr std::size_t kDefaultStackSize = 512 * 1024;
#else
  static constexpr std::size_t kDefaultStackSize = 128 * 1024;
#endif

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

  std::size_t stack_size() const { return stacks_.stack_size(); }

 private:
  void finished();

  StackPool stacks_;  // declared before pool_: outlives every fiber
  WorkerPool pool_;
  std::mutex mu_;
  std::condition_variable all_done_;
  std::size_t running_ = 0;  // mu_: launched entries that have not returned
};

}  // namespace actorspec::fiber_backend

#pragma once
// The thread backend: every process is an OS thread, parked on a semaphore.

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "actorspec/core/executor.hpp"

namespace actorspec::thread_backend {

class ThreadExecutor final : public core::Executor {
 public:
  // Smaller than glibc's 8 MiB default so thousands of processes fit; a
  // process body is a loop around receive, not a deep recursion.
  static constexpr std::size_t kDefaultStackSize = 256 * 1024;

  explicit ThreadExecutor(std::size_t stack_size);
  ~ThreadExecutor() override;

  unsigned workers() const override { return 0; }
  void launch(core::Schedulable& process, std::function<void()> entry) override;
  bool park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) override;
  void wake(core::Schedulable& process) override;
  core::Schedulable* current() override;
  void join() override;

 private:
  struct Start;
  static void* thread_main(void* start);
  void finished(pthread_t self);
  void reap();

  const std::size_t stack_size_;
  std::mutex mu_;
  std::condition_variable all_done_;
  std::size_t running_ = 0;              // mu_
  std::vector<pthread_t> to_join_;       // mu_: threads whose process ended
};

}  // namespace actorspec::thread_backend

#pragma once
// The thread backend: every process is an OS thread, parked on a futex.
// A thread whose process has ended waits, parked, for the next process
// (up to kMaxIdleThreads of them): creating and destroying an OS thread
// costs tens of microseconds in the kernel (clone3, copy_process), waking a
// parked one a few. Each live process still has an OS thread of its own.

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "actorspec/core/executor.hpp"

namespace actorspec::thread_backend {

class ThreadExecutor final : public core::Executor {
 public:
  // Smaller than glibc's 8 MiB default so thousands of processes fit; a
  // process body is a loop around receive, not a deep recursion. The
  // mapping is 64 KiB larger: the overflow report's signal stack lies at its
  // bottom (thread_executor.cpp).
  static constexpr std::size_t kDefaultStackSize = 256 * 1024;
  // Idle threads kept for reuse. A spawn burst needs a few (a process ends
  // within microseconds of starting); each one holds a kernel task, its
  // stack's touched pages and its signal stack until shutdown.
  static constexpr std::size_t kMaxIdleThreads = 64;

  explicit ThreadExecutor(std::size_t stack_size);
  ~ThreadExecutor() override;

  unsigned workers() const override { return 0; }
  void launch(core::Schedulable& process, std::function<void()> entry) override;
  bool park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) override;
  void wake(core::Schedulable& process) override;
  core::Schedulable* current() override;
  void join() override;

  // For tests and tools: waits until no launched entry is still running (or
  // the deadline), then says how many threads are parked for reuse.
  std::optional<std::size_t> idle_threads_once_all_returned(core::Clock::time_point deadline);

 private:
  struct Worker;
  static void* thread_main(void* worker);
  bool retire(Worker* worker);
  void start_thread(Worker* worker, std::size_t running);
  static void join_and_free(const std::vector<Worker*>& workers);

  const std::size_t stack_size_;
  std::mutex mu_;
  std::condition_variable all_done_;
  std::size_t running_ = 0;              // mu_: entries launched and not yet returned
  bool stopping_ = false;                // mu_: join() has begun; no thread goes idle
  std::vector<Worker*> idle_;            // mu_: threads parked, waiting for a process
  std::vector<Worker*> to_join_;         // mu_: threads that have ended or are ending
};

}  // namespace actorspec::thread_backend

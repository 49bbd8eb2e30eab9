// The thread backend's own specifics: a thread whose process has ended is
// parked and runs the next process launched, at most kMaxIdleThreads wait
// so, and join ends them all.

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <semaphore>
#include <vector>

#include "actorspec_conformance/fixture.hpp"
#include "thread_executor.hpp"

namespace actorspec::thread_backend {
namespace {

using conformance::patience;
using core::Clock;

struct TestProcess final : core::Schedulable {};

TEST(ThreadPool, a_thread_whose_process_ended_runs_the_next_process_as_that_process) {
  ThreadExecutor ex(0);
  TestProcess first, second;
  pthread_t first_thread{}, second_thread{};
  core::Schedulable* first_current = nullptr;
  core::Schedulable* second_current = nullptr;
  ex.launch(first, [&] {
    first_thread = pthread_self();
    first_current = ex.current();
  });
  ASSERT_EQ(ex.idle_threads_once_all_returned(Clock::now() + patience()), std::optional<std::size_t>(1));
  std::binary_semaphore parked{0};
  std::atomic<bool> woken{false};
  ex.launch(second, [&] {
    second_thread = pthread_self();
    second_current = ex.current();
    parked.release();
    woken = ex.park(second, std::nullopt);  // on its own slot, not the first one's
  });
  ASSERT_TRUE(parked.try_acquire_for(patience()));
  ex.wake(second);
  ASSERT_EQ(ex.idle_threads_once_all_returned(Clock::now() + patience()), std::optional<std::size_t>(1));
  EXPECT_TRUE(pthread_equal(first_thread, second_thread)) << "the parked thread was not reused";
  EXPECT_EQ(first_current, &first);
  EXPECT_EQ(second_current, &second) << "a reused thread must run as its new process";
  EXPECT_TRUE(woken.load());
  EXPECT_EQ(ex.current(), nullptr) << "this plain thread is no process";
  ex.join();
  EXPECT_EQ(ex.idle_threads_once_all_returned(Clock::now()), std::optional<std::size_t>(0));
}

TEST(ThreadPool, at_most_kMaxIdleThreads_stay_parked_when_more_processes_end) {
  ThreadExecutor ex(0);
  const std::size_t n = ThreadExecutor::kMaxIdleThreads + 8;
  std::vector<TestProcess> procs(n);
  std::counting_semaphore<> started{0};
  for (auto& p : procs) {
    ex.launch(p, [&] {
      started.release();
      ex.park(p, std::nullopt);
    });
  }
  // All n at once: each has a thread of its own while it lives.
  for (std::size_t i = 0; i < n; ++i) ASSERT_TRUE(started.try_acquire_for(patience()));
  for (auto& p : procs) ex.wake(p);
  EXPECT_EQ(ex.idle_threads_once_all_returned(Clock::now() + patience()),
            std::optional<std::size_t>(ThreadExecutor::kMaxIdleThreads));
  ex.join();
}

TEST(ThreadPool, join_ends_the_parked_threads_and_a_later_join_finds_none) {
  auto ex = std::make_unique<ThreadExecutor>(0);
  std::vector<TestProcess> procs(4);
  for (auto& p : procs) ex->launch(p, [] {});
  ASSERT_TRUE(ex->idle_threads_once_all_returned(Clock::now() + patience()).has_value());
  ex->join();
  EXPECT_EQ(ex->idle_threads_once_all_returned(Clock::now()), std::optional<std::size_t>(0));
  ex->join();  // the destructor joins again
  ex.reset();  // TSan reports a thread never joined; ASan a Worker never freed
}

}  // namespace
}  // namespace actorspec::thread_backend

// The run-next slots (run_next.hpp): a process woken by a running one waits
// in that thread's slot until the waker switches out. A waker that runs on
// instead, busy in its own code (C++ cannot preempt it), must not keep it
// there for good: the slots' watch thread queues it for another worker.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "actorspec/actorspec.hpp"
#include "test_support.hpp"

namespace actorspec::tbb_backend {
namespace {

using conformance::expect;
using testing::patience;

struct Ready {};

TEST(TbbRunNext, a_process_woken_by_one_that_runs_on_is_run_by_another_worker) {
  auto rt = make_runtime("tbb", RuntimeOptions{.workers = 2});
  auto woken_ran = std::make_shared<std::atomic<bool>>(false);
  bool ran_while_busy = false;
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    const Pid waiter = self.spawn([me, woken_ran](Process& w) {
      w.send(me, Ready{});
      w.receive<int>();
      woken_ran->store(true);
    });
    expect<Ready>(self);
    // Parked in receive by now, or about to be: either way the send below
    // finds it parked or parking, and its wake comes from this process.
    self.send(waiter, 1);
    const auto deadline = std::chrono::steady_clock::now() + patience();
    while (!woken_ran->load() && std::chrono::steady_clock::now() < deadline) {
    }
    ran_while_busy = woken_ran->load();
  });
  ASSERT_EQ(r, ExitReason::normal());
  EXPECT_TRUE(ran_while_busy) << "the woken process waited for its busy waker";
}

}  // namespace
}  // namespace actorspec::tbb_backend

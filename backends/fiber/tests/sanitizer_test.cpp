// The sanitizers must still see errors in code that runs on fibers: the
// backend tells them about stack switches they cannot see (switch_hooks.hpp),
// and that must not blind them. Each test exists only in its sanitizer's build.

#include <gtest/gtest.h>

#include <chrono>

#include "test_support.hpp"

using namespace std::chrono_literals;

namespace actorspec::fiber_backend {
namespace {

using testing::fiber_runtime;

#if defined(__SANITIZE_ADDRESS__)
// UBSan would catch this first (bounds, object size); ASan is on trial here.
__attribute__((noinline, no_sanitize_undefined)) void overrun_a_local(int index) {
  [[maybe_unused]] volatile char local[16];
  local[index] = 1;  // index 16: one past the end
}

// The backend tells ASan which fiber stack runs; it must not blind it.
TEST(FiberSanitizerDeathTest, asan_still_sees_a_stack_buffer_overflow_on_a_fiber) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto rt = fiber_runtime(2);
        rt->run([](Process& self) {
          self.receive_for<int>(1ms);  // parks once, may resume elsewhere
          overrun_a_local(16);
        });
      },
      "stack-buffer-overflow");
}
#endif

#if defined(__SANITIZE_THREAD__)
// A plain thread writes what a process fiber reads, with nothing ordering
// the two: a race TSan must report although one side runs on a fiber that
// parks and may move between workers.
TEST(FiberSanitizerDeathTest, tsan_still_sees_a_race_with_a_fiber) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        int shared = 0;
        auto rt = fiber_runtime(2);
        rt->spawn([&shared](Process& self) {
          int sum = 0;
          for (int i = 0; i < 200; ++i) {
            sum += shared;
            self.receive_for<int>(1ms);
          }
          if (sum < 0) std::abort();
        });
        shared = 1;
        rt->shutdown();
      },
      "data race");
}
#endif

}  // namespace
}  // namespace actorspec::fiber_backend

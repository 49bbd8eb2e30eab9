// What protects a fiber's stack: the guard page below each pooled stack,
// whose fault is reported naming the process (core/overflow_report), and
// on kernels without guard regions the canary above it (backends/stackful).

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "test_support.hpp"

using namespace std::chrono_literals;

namespace actorspec::fiber_backend {
namespace {

using testing::fiber_runtime;

// Writes `bytes` of locals: more than the stack holds overflows it.
__attribute__((noinline)) void use_stack(std::size_t bytes) {
  char* frame = static_cast<char*>(__builtin_alloca(bytes));
  std::memset(frame, 0x5a, bytes);
  asm volatile("" : : "r"(frame) : "memory");
}

TEST(FiberStackSafetyDeathTest, an_overflow_is_reported_not_silent) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto rt = fiber_runtime(1, 64 * 1024);
        rt->run([](Process& self) {
          use_stack(96 * 1024);  // runs over the bottom into the next stack
          self.receive_for<int>(1ms);  // parks: the canary is checked here
        });
      },
      "process <0\\.[0-9]+\\.0> overflowed its stack of 65536 bytes");
}

TEST(FiberStackSafety, a_deep_but_fitting_frame_is_fine) {
  auto rt = fiber_runtime(1, 64 * 1024);
  const ExitReason r = rt->run([](Process& self) {
    use_stack(32 * 1024);
    self.receive_for<int>(1ms);
  });
  EXPECT_EQ(r, ExitReason::normal());
}


}  // namespace
}  // namespace actorspec::fiber_backend

#pragma once
// A one-slot permit (park/unpark) on a Linux futex, without spinning.
// std::binary_semaphore in libstdc++ 12 spins and yields before it sleeps
// and, once a spin took over 4 µs, falls back to blind sleeps of half the
// time elapsed: under load its timed waits fired up to ~15 ms late in the
// perf suite's timer benchmark (~5 ms with this permit).

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>

namespace actorspec::thread_backend {

class FutexPermit {
 public:
  // Grants the permit; wakes the sleeper if there is one.
  void release() {
    if (state_.exchange(kPermit, std::memory_order_release) == kSleeper) futex(FUTEX_WAKE_PRIVATE, 1, nullptr);
  }

  // Takes the permit, waiting for it until `deadline` (a steady_clock time,
  // i.e. CLOCK_MONOTONIC, which FUTEX_WAIT_BITSET uses). False on timeout.
  bool acquire(std::optional<std::chrono::steady_clock::time_point> deadline) {
    timespec ts{};
    if (deadline) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline->time_since_epoch()).count();
      ts = timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    }
    for (;;) {
      int s = state_.load(std::memory_order_acquire);
      if (s == kPermit) {
        if (state_.compare_exchange_weak(s, kEmpty, std::memory_order_acquire)) return true;
        continue;
      }
      if (s == kEmpty && !state_.compare_exchange_weak(s, kSleeper, std::memory_order_relaxed)) continue;
      if (futex(FUTEX_WAIT_BITSET_PRIVATE, kSleeper, deadline ? &ts : nullptr) != 0 && errno == ETIMEDOUT) {
        int sleeper = kSleeper;
        if (state_.compare_exchange_strong(sleeper, kEmpty, std::memory_order_relaxed)) return false;
        // A release raced the timeout: loop and take the permit.
      }
    }
  }

 private:
  static constexpr int kEmpty = 0, kPermit = 1, kSleeper = 2;

  long futex(int op, int val, const timespec* abs_deadline) {
    return syscall(SYS_futex, reinterpret_cast<int*>(&state_), op, val, abs_deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
  }

  std::atomic<int> state_{kEmpty};
};

}  // namespace actorspec::thread_backend

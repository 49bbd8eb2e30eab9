#pragma once
// A one-slot permit (park/unpark) on a Linux futex, spinning briefly first.
// std::binary_semaphore in libstdc++ 12 spins and yields before it sleeps
// and, once a spin took over 4 µs, falls back to blind sleeps of half the
// time elapsed: under load its timed waits fired up to ~15 ms late in the
// perf suite's timer benchmark (~5 ms with this permit). This one spins for
// an adaptive budget (spin_budget.hpp), bounded by the caller's deadline,
// then sleeps in FUTEX_WAIT until released: never a blind sleep.
//
// One thread acquires a given permit at a time (a process's own thread, or
// an idle pooled thread waiting for work); any thread may release it.

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>

#include "spin_budget.hpp"

namespace actorspec::thread_backend {

class FutexPermit {
 public:
  using Clock = std::chrono::steady_clock;

  // Grants the permit; wakes the sleeper if there is one (a spinner sees
  // the permit without a system call).
  void release() {
    if (state_.exchange(kPermit, std::memory_order_release) == kSleeper) futex(FUTEX_WAKE_PRIVATE, 1, nullptr);
  }

  // Takes the permit, waiting for it until `deadline` (a steady_clock time,
  // i.e. CLOCK_MONOTONIC, which FUTEX_WAIT_BITSET uses). False on timeout.
  bool acquire(std::optional<Clock::time_point> deadline) {
    if (try_take()) return true;
    const auto spin = budget_.next();
    // On a machine with more runnable threads than CPUs a spinner only
    // takes a CPU from whoever is to wake it, and a wake is cheap there.
    if (spin.count() > 0 && SpinGate::may_spin()) return spin_for(spin, deadline) || sleep(deadline);
    budget_.no_verdict();
    return sleep(deadline);
  }

  // For tests and tools: the spin the next wait would start with.
  std::chrono::nanoseconds spin_budget() const { return budget_.budget(); }
  // For tests: a waiter is asleep in the kernel (or about to be).
  bool sleeping() const { return state_.load(std::memory_order_relaxed) == kSleeper; }

 private:
  static constexpr int kEmpty = 0, kPermit = 1, kSleeper = 2;
  // A thread finding every spinning slot taken polls this long for one to
  // free: in a ping-pong the partner it just woke is still leaving its spin.
  static constexpr std::chrono::nanoseconds kGateGrace{2'000};
  // Spinning on PAUSE alone this long, then yielding between polls.
  static constexpr std::chrono::nanoseconds kPauseSpin{2'000};
  // PAUSEs between clock reads (a PAUSE is 10-140 cycles, by CPU model).
  static constexpr int kPausesPerClockRead = 16;
  // A gap this long between two clock reads of a spin means the spinner
  // lost its CPU to another thread (a poll takes well under a microsecond).
  static constexpr std::chrono::nanoseconds kDescheduled{20'000};

  // Sleeps in the kernel until released (true) or the deadline (false).
  bool sleep(const std::optional<Clock::time_point>& deadline) {
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

  bool try_take() {
    int s = kPermit;
    return state_.compare_exchange_strong(s, kEmpty, std::memory_order_acquire, std::memory_order_relaxed);
  }

  // Spins for the permit within the budget and the deadline; true if taken.
  bool spin_for(std::chrono::nanoseconds budget, const std::optional<Clock::time_point>& deadline) {
    const auto start = Clock::now();
    // A deadline inside the budget cuts the spin short: then a miss says
    // nothing about the budget.
    const bool cut_short = deadline && *deadline < start + budget;
    const auto until = cut_short ? *deadline : start + budget;
    bool entered = SpinGate::try_enter();
    auto last = start;
    for (;;) {
      const bool pausing = last - start < kPauseSpin;
      for (int i = 0; i < (pausing ? kPausesPerClockRead : 1); ++i) {
        if (state_.load(std::memory_order_relaxed) == kPermit && try_take()) {
          if (entered) SpinGate::leave();
          const auto now = Clock::now();
          if (now - last > kDescheduled)
            budget_.descheduled();  // caught, but only once back on a CPU
          else
            budget_.caught(now - start);
          return true;
        }
        // Past the first microseconds, give the CPU to whatever else is
        // runnable on it: a yield with nothing to run returns at once and
        // the CPU stays awake.
        if (pausing) cpu_relax(); else sched_yield();
      }
      const auto now = Clock::now();
      if (now - last > kDescheduled) {
        // Something else ran on this CPU: there, a sleeper is woken sooner
        // (the scheduler favours it) than a spinner gets its CPU back.
        // Sleep now; the budget counts it as a miss.
        if (entered) SpinGate::leave();
        budget_.descheduled();
        return false;
      }
      last = now;
      if (!entered && !(entered = SpinGate::try_enter()) && now - start >= kGateGrace) {
        budget_.no_verdict();
        return false;
      }
      if (now >= until) break;
    }
    if (entered) SpinGate::leave();
    if (cut_short) budget_.no_verdict(); else budget_.missed();
    return false;
  }

  long futex(int op, int val, const timespec* abs_deadline) {
    return syscall(SYS_futex, reinterpret_cast<int*>(&state_), op, val, abs_deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
  }

  std::atomic<int> state_{kEmpty};
  SpinBudget budget_;  // only the acquiring thread touches it
};

}  // namespace actorspec::thread_backend

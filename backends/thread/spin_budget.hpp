#pragma once
// How long a waiting thread spins for its permit before it sleeps in the
// kernel. Which is cheaper depends on the machine, so it is measured, not
// assumed. On this project's 2-vCPU VM (thread_wake_cost):
//   - quiet: a futex wake of a thread whose CPU went idle takes ~42 µs (the
//     hypervisor wakes the vCPU); a spinner sees a release in ~130 ns;
//   - loaded (more runnable threads than CPUs): a futex ping-pong costs
//     ~1.5 µs a round trip (the scheduler runs both threads on one CPU,
//     favouring the one just woken), spinners on two CPUs ~4.5 µs.
// So a thread spins only while the machine has no more runnable threads
// than CPUs (SpinGate::may_spin), and its budget adapts to the waits
// just seen, in the spirit of glibc's PTHREAD_MUTEX_ADAPTIVE_NP and
// Boost.Fiber's adaptive spinlock: a wait caught while spinning doubles it
// (to at least twice the time it took, at most kMax); one the spin missed
// halves it, down to zero, so a thread whose waits are long does not burn
// a core, and so does a spin that loses its CPU to another thread. At zero,
// one wait in probe_every() spins kMax to find out whether spinning pays
// again; a failed probe doubles that interval (to kProbeEveryMost).
//
// SpinGate bounds how many threads spin at once, process-wide, to one fewer
// than the CPUs: on 2 cores a spinner never takes the last CPU from the
// thread that will wake it (none spin on one CPU). It also says when the
// machine is oversubscribed (then nobody spins).

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace actorspec::thread_backend {

// A hint to the CPU that this is a spin loop (x86 PAUSE, Arm YIELD): it
// yields the core's pipeline to a hyperthread sibling and saves power.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield");
#endif
}

class SpinBudget {
 public:
  using Nanos = std::chrono::nanoseconds;
  // Long enough to see a partner through a wake of its idle vCPU (~42 µs
  // here): two threads that both sleep between messages only get back to
  // spinning when one of them spins across the other's wake.
  static constexpr Nanos kMax{50'000};
  // A budget halved below this is zero.
  static constexpr Nanos kMin{500};
  static constexpr std::uint32_t kProbeEvery = 16;
  static constexpr std::uint32_t kProbeEveryMost = 128;

  // The spin for the next wait (zero: sleep at once).
  Nanos next() noexcept {
    if (budget_ns_ > 0) return Nanos(budget_ns_);
    if (++skipped_ < probe_every_) return Nanos(0);
    skipped_ = 0;
    probing_ = true;
    return kMax;
  }

  // The spin of next() caught the permit `after` spinning so long.
  void caught(Nanos after) noexcept {
    const auto grown = std::max<std::int64_t>({2 * std::int64_t{budget_ns_}, 2 * after.count(), kMin.count()});
    budget_ns_ = static_cast<std::uint32_t>(std::min<std::int64_t>(grown, kMax.count()));
    probe_every_ = kProbeEvery;
    probing_ = false;
  }

  // The spin of next() ran its whole budget without the permit.
  void missed() noexcept {
    budget_ns_ /= 2;
    if (budget_ns_ < kMin.count()) budget_ns_ = 0;
    probe_failed();
  }

  // The spin lost its CPU to another thread for a while: counted as a miss.
  // (Zeroing the budget here instead left threads sleeping, at ~42 µs a
  // wake, long after a moment of load had passed: spawn_monitor -> Down
  // 27-49 µs in 2 of 3 runs on a half-loaded machine. The load check in
  // SpinGate::may_spin keeps spinners off a machine that stays loaded.)
  void descheduled() noexcept { missed(); }

  // The spin of next() did not happen, or ended for a reason that says
  // nothing about the budget (a deadline, no place to spin).
  void no_verdict() noexcept { probing_ = false; }

  Nanos budget() const noexcept { return Nanos(budget_ns_); }
  std::uint32_t probe_every() const noexcept { return probe_every_; }

 private:
  // Optimistic at first: a process's first wait is usually for a reply.
  std::uint32_t budget_ns_ = static_cast<std::uint32_t>(kMax.count());
  std::uint16_t skipped_ = 0;
  std::uint16_t probe_every_ = kProbeEvery;
  bool probing_ = false;  // the running spin is a probe from zero

  void probe_failed() noexcept {
    if (std::exchange(probing_, false))
      probe_every_ = static_cast<std::uint16_t>(std::min<std::uint32_t>(2u * probe_every_, kProbeEveryMost));
  }
};

class SpinGate {
 public:
  // False when enough threads spin already: sleep instead (or poll a
  // moment for a place, see FutexPermit).
  static bool try_enter() noexcept {
    const int limit = cpus() - 1;
    int n = spinners_.load(std::memory_order_relaxed);
    while (n < limit)
      if (spinners_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) return true;
    return false;
  }
  static void leave() noexcept { spinners_.fetch_sub(1, std::memory_order_relaxed); }

  // Whether a waiter may spin now: while the machine is not oversubscribed.
  // ACTORSPEC_THREAD_SPIN=off never (a permit sleeps at once, as before the
  // spin existed), =on whatever the load: for A/B measurements in one
  // binary, and for a machine where spinning does not pay.
  static bool may_spin() noexcept {
    static const Mode mode = mode_from_environment();
    if (mode != Mode::kByLoad) return mode == Mode::kAlways;
    return !oversubscribed();
  }

  // More threads runnable machine-wide than CPUs, by the kernel's count
  // (the "running" of /proc/loadavg's running/total, which counts the
  // reader), read at most once per kSampleEvery by whichever waiter finds
  // the last reading stale.
  static bool oversubscribed() noexcept {
    const std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    std::int64_t due = next_sample_.load(std::memory_order_relaxed);
    if (now >= due && next_sample_.compare_exchange_strong(due, now + kSampleEvery.count(), std::memory_order_relaxed))
      oversubscribed_.store(runnable_threads() > cpus(), std::memory_order_relaxed);
    return oversubscribed_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr std::chrono::nanoseconds kSampleEvery{1'000'000};
  static inline std::atomic<int> spinners_{0};
  static inline std::atomic<std::int64_t> next_sample_{0};
  static inline std::atomic<bool> oversubscribed_{false};

  enum class Mode { kByLoad, kNever, kAlways };
  static Mode mode_from_environment() noexcept {
    const char* v = std::getenv("ACTORSPEC_THREAD_SPIN");
    if (v && std::strcmp(v, "off") == 0) return Mode::kNever;
    if (v && std::strcmp(v, "on") == 0) return Mode::kAlways;
    return Mode::kByLoad;
  }

  static int cpus() noexcept {
    static const int n = static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
    return n;
  }

  // 0 when unknown (no /proc): then spinning is allowed.
  static int runnable_threads() noexcept {
    const int fd = ::open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[128];
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    double a = 0, b = 0, c = 0;
    int running = 0;
    return std::sscanf(buf, "%lf %lf %lf %d/", &a, &b, &c, &running) == 4 ? running : 0;
  }
};

}  // namespace actorspec::thread_backend

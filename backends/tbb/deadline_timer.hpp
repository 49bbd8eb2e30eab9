#pragma once
// Ends timed receives: one thread per runtime (started on first use) sleeps
// until the earliest deadline among parked processes and expires the ones
// that are due. A waiting process costs a heap slot, not a thread.
//
// Each process has at most one entry (it parks once at a time): a new park
// moves the entry instead of adding one, so the heap never outgrows the
// process count and a receive woken early needs no cancellation. An entry
// left behind by such a receive fires harmlessly (the park it was for is
// over, see ProcessFiber::expire) or goes when its process ends.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "actorspec/core/executor.hpp"

namespace actorspec::tbb_backend {

class ProcessFiber;
class TbbExecutor;

// A process's place in the timer; guarded by the timer's lock.
struct TimerEntry {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t index = kNone;
  core::Clock::time_point deadline{};
  std::uint64_t park_seq = 0;  // which park of the process it is for
};

class DeadlineTimer {
 public:
  // Expired processes are enqueued on `executor`'s arena.
  explicit DeadlineTimer(TbbExecutor& executor) : executor_(executor) {}
  ~DeadlineTimer() { stop(); }
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  // Expires park `park_seq` of `f` at `deadline` (replacing f's entry).
  void arm(ProcessFiber& f, core::Clock::time_point deadline, std::uint64_t park_seq);
  // Removes f's entry, if any. After it returns the timer never touches f.
  void disarm(ProcessFiber& f);
  // Stops and joins the thread. Every process must have ended (and so
  // disarmed) before.
  void stop();

 private:
  void run();
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void place(std::size_t i, ProcessFiber* f);
  void remove_at(std::size_t i);

  TbbExecutor& executor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ProcessFiber*> heap_;  // mu_: min-heap on entry deadline
  bool stopping_ = false;            // mu_
  std::thread thread_;               // started by the first arm
};

}  // namespace actorspec::tbb_backend

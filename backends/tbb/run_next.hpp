#pragma once
// Run-next slots of the tbb backend (Go's runnext, Tokio's LIFO slot): one
// per arena slot. A process that a running process wakes goes into the
// slot of the thread running the waker, not onto the arena's queue; the
// slice running the waker resumes it directly once the waker switches out
// (a send is usually followed by a receive): no task allocated, queued and
// dispatched, no other worker woken, the same thread and warm caches.
//
// A waker that runs on instead, busy in its own code (C++ cannot preempt
// it), would leave the woken process there. oneTBB's idle workers cannot be
// asked to look, so a watch thread of the runtime does: while slots are in
// use it looks every kWatchEvery and hands a process it finds in the same
// slot (same fill) as at its last look to `requeue`. When a look finds no
// slot used since the one before, it sleeps until the next put wakes it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace actorspec::tbb_backend {

class ProcessFiber;

class RunNextSlots {
 public:
  static constexpr std::chrono::microseconds kWatchEvery{1000};

  RunNextSlots(unsigned slots, std::function<void(ProcessFiber&)> requeue);
  ~RunNextSlots();  // stop()
  RunNextSlots(const RunNextSlots&) = delete;
  RunNextSlots& operator=(const RunNextSlots&) = delete;

  unsigned size() const { return slots_; }

  // The thread in arena slot `slot`, running a process: puts `f` in its
  // slot. Returns the one it displaces (it waited longer: the caller
  // queues it), or nullptr.
  ProcessFiber* put(unsigned slot, ProcessFiber& f) noexcept;
  // The same thread, once its process switched out: what is in its slot,
  // emptied, or nullptr.
  ProcessFiber* take(unsigned slot) noexcept {
    Slot& s = slot_[slot];
    if (s.fiber.load(std::memory_order_relaxed) == nullptr) return nullptr;
    return s.fiber.exchange(nullptr, std::memory_order_acq_rel);
  }

  // Ends the watch thread. Every slot must be empty (every process ended).
  void stop();

 private:
  struct alignas(64) Slot {
    std::atomic<ProcessFiber*> fiber{nullptr};
    std::atomic<std::uint32_t> fills{0};  // bumped by every put: tells a stuck slot from a busy one
  };
  struct Look {
    ProcessFiber* fiber = nullptr;
    std::uint32_t fills = 0;
  };

  void watch();

  const unsigned slots_;
  const std::function<void(ProcessFiber&)> requeue_;
  std::unique_ptr<Slot[]> slot_;
  std::unique_ptr<Look[]> looks_;  // the watch thread's own

  std::mutex mu_;
  std::condition_variable wake_;
  // The watch thread sleeps until woken (a put saw this, sequentially
  // consistent with its look at the slots, so one of them sees the other).
  std::atomic<bool> deep_{false};
  bool stopping_ = false;  // mu_
  std::thread thread_;
};

}  // namespace actorspec::tbb_backend

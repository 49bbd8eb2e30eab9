#pragma once
// A pool of worker threads that run Boost fibers from one shared ready
// queue: one pool per runtime, nothing process-wide.
//
// Boost.Fiber's own shared_work and work_stealing algorithms keep static
// state (one global queue, static scheduler arrays, a function-local static
// barrier; boostorg/fiber#217), so a pool built from them cannot be torn
// down and rebuilt in one process, yet every conformance test makes its own
// runtime. This pool's scheduling algorithm (SharedQueueScheduler in
// worker_pool.cpp) keeps everything in the pool object instead.

#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "parker.hpp"

namespace actorspec::fiber_backend {

class WorkerPool;

// What the pool keeps per fiber it runs, as the fiber's Boost properties
// (its context owns and deletes it): who launched the fiber and what for,
// opaque to the pool. Final, with a destructor that is not instrumented:
// see ~FiberTag in worker_pool.cpp.
struct FiberTag final : boost::fibers::fiber_properties {
  FiberTag(const void* owner, void* payload)
      : fiber_properties(nullptr), owner(owner), payload(payload), tsan_fiber(tsan_create_fiber()) {}
  ~FiberTag() override;
  FiberTag(const FiberTag&) = delete;
  FiberTag& operator=(const FiberTag&) = delete;

  // For a tag whose fiber never came to exist.
  void abandon() noexcept {
    tsan_destroy_fiber(tsan_fiber);
    tsan_fiber = nullptr;
  }

  const void* owner;
  void* payload;
  void* tsan_fiber;
};

// What a worker thread knows about itself (see current_worker_identity).
struct WorkerIdentity {
  WorkerPool* pool;
  unsigned index;
};

class WorkerPool {
 public:
  // Starts `workers` threads (at least one) and returns once all are ready.
  explicit WorkerPool(unsigned workers);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(workers_.size()); }

  // True on the pool's worker threads.
  bool is_worker_thread() const noexcept;

  // Queues a fiber context that no scheduler has seen yet (made with
  // boost::fibers::make_worker_context); a worker attaches and runs it. The
  // pool holds the context's last reference from here on. Any thread.
  void submit(boost::fibers::context* fresh) noexcept;

  // Ends the worker threads. Every submitted fiber must have finished
  // (the caller waits for that first). Idempotent.
  void stop();

 private:
  friend class SharedQueueScheduler;
  friend struct FiberTag;
  using Clock = std::chrono::steady_clock;
  using ReadyQueue = boost::fibers::scheduler::ready_queue_type;

  struct Worker {
    WorkerIdentity identity;
    std::thread thread;
    Parker main;                      // the thread's main fiber waits here for stop
    std::condition_variable wake;     // an idle worker sleeps on it (mu_)
    bool notified = false;            // mu_: notify() came since the last idle wait
    bool idle = false;                // mu_: asleep in idle_wait
    bool kicked = false;              // mu_: a push already chose to wake it
    // TSan builds: the thread's own fiber, its dispatcher's, and an ended
    // fiber whose handle is destroyed once TSan is back on the dispatcher.
    // Only the worker's own thread touches these.
    void* tsan_main = nullptr;
    void* tsan_dispatcher = nullptr;
    void* tsan_ended = nullptr;
  };

  void run_worker(unsigned index);

  // ---- for SharedQueueScheduler ----
  void push(boost::fibers::context* ctx) noexcept;
  boost::fibers::context* try_pop() noexcept;
  bool has_ready() const noexcept;
  // Sleeps the worker's thread until work is queued, notify(index), or `until`.
  void idle_wait(unsigned index, Clock::time_point until) noexcept;
  void notify(unsigned index) noexcept;

  std::vector<std::unique_ptr<Worker>> workers_;
  mutable std::mutex mu_;
  ReadyQueue queue_;  // mu_: ready fibers any worker may run, oldest first
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  std::latch started_;
  std::latch leaving_;
};

}  // namespace actorspec::fiber_backend

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
#include <boost/intrusive/set.hpp>

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
  using Clock = std::chrono::steady_clock;

  // Starts `workers` threads (at least one) and returns once all are ready.
  explicit WorkerPool(unsigned workers);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(workers_.size()); }

  // True on the pool's worker threads.
  bool is_worker_thread() const noexcept;
  // The calling worker's index (0..size()-1), or kNotAWorker.
  static constexpr unsigned kNotAWorker = static_cast<unsigned>(-1);
  unsigned worker_index() const noexcept;

  // Queues a ready fiber context that belongs to no scheduler (a new one,
  // made with boost::fibers::make_worker_context, or a parked one a Parker
  // detached); a worker attaches and runs it. Any thread.
  void push(boost::fibers::context* ctx) noexcept;

  // Runs first in a fiber of the pool, after every switch onto it: finishes
  // what the context that ran before it on this worker left to do.
  void after_switch() noexcept;

  // Ends the worker threads. Every fiber must have finished (the caller
  // waits for that first). Idempotent.
  void stop();

 private:
  friend class SharedQueueScheduler;
  friend class Parker;
  friend struct FiberTag;
  using ReadyQueue = boost::fibers::scheduler::ready_queue_type;

  struct TimerOrder {
    bool operator()(const Parker& a, const Parker& b) const { return a.deadline_ < b.deadline_; }
  };
  using Timers = boost::intrusive::multiset<
      Parker, boost::intrusive::member_hook<Parker, boost::intrusive::set_member_hook<>, &Parker::timer_hook_>,
      boost::intrusive::compare<TimerOrder>>;

  // How a worker thread's own main context waits for stop(): it is pinned
  // to its thread, so it waits the Boost way, attached to its scheduler.
  class MainParker {
   public:
    void bind(boost::fibers::context* main) noexcept { main_ = main; }
    void park() noexcept;    // only the bound main context
    void unpark() noexcept;  // any thread, once
   private:
    static constexpr std::uintptr_t kIdle = 0, kPermit = 1, kParked = 2;
    std::atomic<std::uintptr_t> state_{kIdle};
    boost::fibers::context* main_ = nullptr;
  };

  struct Worker {
    WorkerIdentity identity;
    std::thread thread;
    MainParker main;                  // the thread's main context waits here for stop
    std::condition_variable wake;     // an idle worker sleeps on it (mu_)
    bool notified = false;            // mu_: notify() came since the last idle wait
    std::atomic<bool> poked{false};   // notified, readable without mu_
    bool idle = false;                // mu_: asleep in idle_wait
    bool kicked = false;              // mu_: someone already chose to wake it
    // A fiber that parked on this worker and still has to be detached once
    // it is off its stack. Only the worker's own thread touches these.
    Parker* parking = nullptr;
    std::uint64_t parking_epoch = 0;
    // TSan builds: the thread's own fiber, its dispatcher's, and an ended
    // fiber whose handle is destroyed once TSan is back on the dispatcher.
    // Only the worker's own thread touches these.
    void* tsan_main = nullptr;
    void* tsan_dispatcher = nullptr;
    void* tsan_ended = nullptr;
  };

  void run_worker(unsigned index);
  Worker& this_worker() noexcept;  // on a worker thread, while it runs fibers
  void after_switch_on(Worker& w) noexcept;

  // ---- for Parker ----
  void parking_here(Parker& p, std::uint64_t epoch) noexcept;
  void arm_timer(Parker& p, Clock::time_point deadline, std::uint64_t epoch) noexcept;
  void disarm_timer(Parker& p) noexcept;

  // ---- for SharedQueueScheduler ----
  boost::fibers::context* try_pop() noexcept;
  bool has_ready() const noexcept;
  // Sleeps the worker's thread until work is queued, notify(index), a timer
  // comes due, or `until`.
  void idle_wait(unsigned index, Clock::time_point until) noexcept;
  void notify(unsigned index) noexcept;
  // Makes ready every parked fiber whose deadline has passed.
  void fire_due_timers() noexcept;

  // Under mu_. Both return a sleeping worker to wake once mu_ is released.
  Worker* push_locked(boost::fibers::context* ctx) noexcept;
  Worker* fire_due_timers_locked(Clock::time_point now) noexcept;
  Worker* choose_sleeper_locked() noexcept;
  void publish_next_deadline_locked() noexcept;

  // Spins briefly before sleeping: work often comes right after a worker
  // runs dry (a reply, a wake from the other worker), and a futex sleep and
  // wake cost microseconds each. Bounded, so an idle pool sleeps.
  bool spin_for_work(Worker& w) noexcept;
  static constexpr std::chrono::microseconds kIdleSpin{20};

  std::vector<std::unique_ptr<Worker>> workers_;
  mutable std::mutex mu_;
  ReadyQueue queue_;  // mu_: ready fibers any worker may run, oldest first
  std::atomic<std::size_t> queued_{0};    // queue_.size(), readable without mu_
  std::atomic<unsigned> spinning_{0};     // workers in spin_for_work: pushes need not wake anyone
  Timers timers_;     // mu_: parked fibers with a deadline, soonest first
  // The soonest deadline in timers_ (nanoseconds since the clock's epoch;
  // max if none), readable without mu_ by busy workers.
  std::atomic<Clock::rep> next_deadline_{Clock::time_point::max().time_since_epoch().count()};
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  std::latch started_;
  std::latch leaving_;
};

}  // namespace actorspec::fiber_backend

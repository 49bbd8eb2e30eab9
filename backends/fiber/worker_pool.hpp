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
#include <cstdint>
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
  // The payload of the fiber running on this worker now, set by the fiber
  // itself after every switch onto it (FiberExecutor's current(): cheaper
  // than asking Boost.Fiber for the active context's properties).
  void* running = nullptr;
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

  // The same for a fiber the running one made ready (woke, or spawned). On
  // a worker of this pool it goes to that worker's run-next slot, to run as
  // soon as the running fiber switches away (a send or a spawn is usually
  // followed by a receive), on the same thread and warm caches, with no lock
  // and no other worker woken; elsewhere it is push().
  void push_next(boost::fibers::context* ctx) noexcept;

  // The running fiber is ending: what it put in this worker's run-next slot
  // (the Down it sent woke its parent, say) takes its turn behind the
  // fibers already queued, if there are any: a process that spawns many
  // then collects their Downs gets them in batches, not one switch each.
  void ending_here() noexcept;

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

  // What an idle worker saw in the others' run-next slots; a fiber still
  // there at its next look (same fill) waited while its worker ran on, and
  // is moved to the shared queue for anyone to run.
  struct SlotLook {
    boost::fibers::context* ctx = nullptr;
    std::uint32_t fills = 0;
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
    bool deep = false;                // mu_: asleep until woken (no other worker was running)
    // The run-next slot (see push_next): filled only by this worker's own
    // thread, emptied by it (pick_next) or by an idle worker that finds the
    // same fiber there for a while (the waker kept running: C++ cannot
    // preempt it), so a busy process delays no wake for long.
    std::atomic<boost::fibers::context*> next{nullptr};
    std::atomic<std::uint32_t> next_fills{0};  // bumped on every fill: tells a stuck slot from a busy one
    unsigned next_streak = 0;                  // own thread: fibers run from the slot in a row
    std::vector<SlotLook> looks;               // own thread: what it last saw in each worker's slot
    // A fiber that parked on this worker and still has to be detached once
    // it is off its stack. Only the worker's own thread touches these.
    Parker* parking = nullptr;
    std::uint64_t parking_epoch = 0;
    // The parking fiber has not reached pick_next yet: until then it is the
    // one running here, and nothing may detach it.
    bool parking_on_stack = false;
    // The thread's main context (pinned here): attaches fibers to this
    // worker's scheduler without asking Boost for the active context.
    boost::fibers::context* main_context = nullptr;
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
  // The calling worker's run-next fiber, or nullptr; fair to the shared
  // queue (see kNextStreak).
  boost::fibers::context* take_next(Worker& w) noexcept;
  // Sleeps the worker's thread until work is queued, notify(index), a timer
  // comes due, or `until`.
  void idle_wait(unsigned index, Clock::time_point until) noexcept;
  void notify(unsigned index) noexcept;
  // Makes ready every parked fiber whose deadline has passed.
  void fire_due_timers() noexcept;
  // Whether any parked fiber has a deadline (no lock).
  bool timers_armed() const noexcept {
    return next_deadline_.load(std::memory_order_relaxed) != Clock::time_point::max().time_since_epoch().count();
  }

  // Under mu_. Both return a sleeping worker to wake once mu_ is released.
  Worker* push_locked(boost::fibers::context* ctx) noexcept;
  Worker* fire_due_timers_locked(Clock::time_point now) noexcept;
  Worker* choose_sleeper_locked() noexcept;
  Worker* choose_deep_sleeper_locked() noexcept;

  // Idle worker `self`: looks at the other workers' run-next slots, and
  // takes (empties) one whose fiber is the same as at its last look in
  // `self`'s looks; records what it saw. The caller queues what it took.
  boost::fibers::context* take_stuck(unsigned self) noexcept;
  bool any_slot_full(unsigned self) const noexcept;
  void publish_next_deadline_locked() noexcept;

  // Spins briefly before sleeping: work often comes right after a worker
  // runs dry (a reply, a wake from the other worker), and a futex sleep and
  // wake cost microseconds each. Bounded, so an idle pool sleeps.
  bool spin_for_work(Worker& w) noexcept;
  static constexpr std::chrono::microseconds kIdleSpin{20};
  // How long a fiber may sit in a run-next slot before an idle worker takes
  // it: a hop (send, then receive) takes well under a microsecond; this is
  // Go's runnext grace (runqgrab, 3 us), rounded up.
  static constexpr std::chrono::microseconds kSlotGrace{5};
  // Fibers a worker may run from its slot in a row before it looks at the
  // shared queue first: two processes that keep waking each other cannot
  // starve the rest.
  static constexpr unsigned kNextStreak = 32;
  // An idle worker sleeps at most this long while another worker runs
  // fibers, then looks at the run-next slots again: the one running may have
  // filled its slot and run on without switching (no preemption in C++).
  // The bound on how long that fiber waits; the waker never wakes anyone for it.
  static constexpr std::chrono::microseconds kWatchEvery{1000};
  // ... and this long if a slot was full as it went to sleep.
  static constexpr std::chrono::microseconds kSlotRecheck{200};

  std::vector<std::unique_ptr<Worker>> workers_;
  mutable std::mutex mu_;
  ReadyQueue queue_;  // mu_: ready fibers any worker may run, oldest first
  std::atomic<std::size_t> queued_{0};    // queue_.size(), readable without mu_
  std::atomic<unsigned> spinning_{0};     // workers in spin_for_work: pushes need not wake anyone
  // Workers not asleep in idle_wait (running fibers, or about to). One that
  // counts none sleeps until woken (deep); one that comes back to work while
  // some sleep deep wakes one, to watch its slot. Sequentially consistent,
  // so either the sleeper sees it running or it sees the deep sleeper.
  std::atomic<unsigned> running_workers_{0};
  std::atomic<unsigned> deep_sleepers_{0};  // written under mu_
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

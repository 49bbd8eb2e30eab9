#include "worker_pool.hpp"

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/type.hpp>

namespace actorspec::fiber_backend {

using boost::fibers::context;

// The per-worker half of the pool: Boost.Fiber's five-method scheduling
// interface. Worker fibers go to the pool's shared queue (detached from this
// thread, so any worker can attach and run them); the thread's pinned main
// and dispatcher contexts stay in a local queue.
//
// TSan builds: every switch between contexts starts with pick_next, which
// names the next context to TSan as its last act (the methods here are not
// instrumented themselves, so no function entry/exit record straddles a
// switch; what they call is). Two switches bypass pick_next: an ended
// fiber's final instructions (see FiberTag) and the dispatcher's return to
// the thread's main context at exit (see the destructor).
class SharedQueueScheduler final : public boost::fibers::algo::algorithm {
 public:
  SharedQueueScheduler(WorkerPool& pool, unsigned index) : pool_(pool), index_(index), self_(*pool.workers_[index]) {}

  ACTORSPEC_NO_TSAN ~SharedQueueScheduler() override {
    if constexpr (kTsanBuild) {
      tsan_switch_to_fiber(self_.tsan_main);
      tsan_destroy_fiber(self_.tsan_ended);
      tsan_destroy_fiber(self_.tsan_dispatcher);
      self_.tsan_ended = self_.tsan_dispatcher = nullptr;
    }
  }

  ACTORSPEC_NO_TSAN void awakened(context* ctx) noexcept override {
    back_on_dispatcher();
    if (ctx->is_context(boost::fibers::type::pinned_context)) {
      local_.push_back(*ctx);
      return;
    }
    ctx->detach();
    pool_.push(ctx);
  }

  ACTORSPEC_NO_TSAN context* pick_next() noexcept override {
    back_on_dispatcher();
    context* next = choose_next();
    if constexpr (kTsanBuild) {
      if (next) tsan_switch_to_fiber(tsan_fiber_of(next));
    }
    return next;
  }

  ACTORSPEC_NO_TSAN bool has_ready_fibers() const noexcept override {
    return !local_.empty() || pool_.has_ready();
  }

  ACTORSPEC_NO_TSAN void suspend_until(const std::chrono::steady_clock::time_point& until) noexcept override {
    back_on_dispatcher();
    pool_.idle_wait(index_, until);
  }

  // Also called from other threads (a remote wake).
  ACTORSPEC_NO_TSAN void notify() noexcept override { pool_.notify(index_); }

 private:
  static constexpr unsigned kDispatcherEvery = 16;

  context* choose_next() noexcept {
    // Shared work first, but let the dispatcher (it waits in local_ while a
    // fiber runs) in every so often: it moves fibers woken from other
    // threads and fibers whose deadline passed onto the ready queue.
    if (local_.empty() || ++streak_ < kDispatcherEvery) {
      if (context* ctx = pool_.try_pop()) {
        context::active()->attach(ctx);
        return ctx;
      }
    }
    streak_ = 0;
    if (local_.empty()) return nullptr;
    context* ctx = &local_.front();
    local_.pop_front();
    return ctx;
  }

  // TSan builds: after an ended fiber's last instructions (FiberTag) the
  // dispatcher runs on under the ended fiber's TSan handle until its next
  // call in here; switch TSan back and drop the handle.
  ACTORSPEC_NO_TSAN void back_on_dispatcher() noexcept {
    if constexpr (kTsanBuild) {
      if (self_.tsan_ended) {
        tsan_switch_to_fiber(self_.tsan_dispatcher);
        tsan_destroy_fiber(self_.tsan_ended);
        self_.tsan_ended = nullptr;
      }
    }
  }

  void* tsan_fiber_of(context* ctx) const noexcept {
    if (ctx->is_context(boost::fibers::type::main_context)) return self_.tsan_main;
    if (ctx->is_context(boost::fibers::type::dispatcher_context)) return self_.tsan_dispatcher;
    return static_cast<FiberTag*>(ctx->get_properties())->tsan_fiber;
  }

  WorkerPool& pool_;
  const unsigned index_;
  WorkerPool::Worker& self_;
  WorkerPool::ReadyQueue local_;
  unsigned streak_ = 0;
};

ACTORSPEC_NO_TSAN FiberTag::~FiberTag() {
  if constexpr (kTsanBuild) {
    if (!tsan_fiber) return;
    // Called by the worker's dispatcher while it releases the ended fiber
    // (from ~context, in libboost_fiber), right before that fiber's final
    // instructions run on its own stack: they return through frames TSan
    // saw entered on that fiber, so TSan must be on it. The dispatcher's
    // next call into the scheduler switches TSan back.
    WorkerIdentity* id = current_worker_identity();
    WorkerPool::Worker& w = *id->pool->workers_[id->index];
    void* previous = w.tsan_ended;
    tsan_switch_to_fiber(tsan_fiber);
    tsan_destroy_fiber(previous);  // one released before, in the same round
    w.tsan_ended = tsan_fiber;
  }
}

WorkerPool::WorkerPool(unsigned workers)
    : started_(static_cast<std::ptrdiff_t>(workers ? workers : 1)),
      leaving_(static_cast<std::ptrdiff_t>(workers ? workers : 1)) {
  if (workers == 0) workers = 1;
  workers_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->identity = WorkerIdentity{this, i};
  }
  for (unsigned i = 0; i < workers; ++i) workers_[i]->thread = std::thread([this, i] { run_worker(i); });
  // stop() unparks the workers' main fibers, so they must be bound first.
  started_.wait();
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::is_worker_thread() const noexcept {
  const WorkerIdentity* w = current_worker_identity();
  return w != nullptr && w->pool == this;
}

void WorkerPool::run_worker(unsigned index) {
  Worker& self = *workers_[index];
  set_current_worker_identity(&self.identity);
  if constexpr (kTsanBuild) {
    self.tsan_main = tsan_current_fiber();
    self.tsan_dispatcher = tsan_create_fiber();
  }
  boost::fibers::use_scheduling_algorithm<SharedQueueScheduler>(*this, index);
  self.main.bind(context::active(), thread_stack_bounds());
  started_.count_down();
  // The main fiber sleeps; the dispatcher runs process fibers meanwhile.
  while (!stopping_.load(std::memory_order_acquire)) self.main.park(std::nullopt);
  // Every worker has stopped before any scheduler is torn down (at thread
  // exit), so none can hand a fiber to a scheduler that is gone
  // (boostorg/fiber#319).
  leaving_.arrive_and_wait();
  set_current_worker_identity(nullptr);
}

void WorkerPool::stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  for (auto& w : workers_) w->main.unpark();
  for (auto& w : workers_) w->thread.join();
}

void WorkerPool::submit(context* fresh) noexcept { push(fresh); }

void WorkerPool::push(context* ctx) noexcept {
  Worker* sleeper = nullptr;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(*ctx);
    for (auto& w : workers_) {
      if (w->idle && !w->kicked) {
        sleeper = w.get();
        sleeper->kicked = true;
        break;
      }
    }
  }
  if (sleeper) sleeper->wake.notify_one();
}

context* WorkerPool::try_pop() noexcept {
  std::lock_guard lock(mu_);
  if (queue_.empty()) return nullptr;
  context* ctx = &queue_.front();
  queue_.pop_front();
  return ctx;
}

bool WorkerPool::has_ready() const noexcept {
  std::lock_guard lock(mu_);
  return !queue_.empty();
}

void WorkerPool::idle_wait(unsigned index, Clock::time_point until) noexcept {
  Worker& w = *workers_[index];
  std::unique_lock lock(mu_);
  while (!w.notified && queue_.empty()) {
    w.idle = true;
    bool timed_out = false;
    if (until == Clock::time_point::max())
      w.wake.wait(lock);
    else
      timed_out = w.wake.wait_until(lock, until) == std::cv_status::timeout;
    w.idle = false;
    w.kicked = false;
    if (timed_out) break;
  }
  w.notified = false;
}

void WorkerPool::notify(unsigned index) noexcept {
  Worker& w = *workers_[index];
  bool asleep;
  {
    std::lock_guard lock(mu_);
    w.notified = true;
    asleep = w.idle;
  }
  if (asleep) w.wake.notify_one();
}

}  // namespace actorspec::fiber_backend

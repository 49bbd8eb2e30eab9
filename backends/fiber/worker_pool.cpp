#include "worker_pool.hpp"

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/type.hpp>

#include <algorithm>
#include <string>
#include <system_error>

#include "actorspec/core/overflow_report.hpp"
#include "actorspec/errors.hpp"

namespace actorspec::fiber_backend {

using boost::fibers::context;

// The per-worker half of the pool: Boost.Fiber's five-method scheduling
// interface. Worker fibers go to the pool's shared queue (detached from this
// thread, so any worker can attach and run them); the thread's pinned main
// and dispatcher contexts stay in a local queue. Boost's own sleep queue and
// remote-ready queue go unused by process fibers: a parked fiber is detached
// (see parker.hpp) and its deadline is one of the pool's timers.
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
    pool_.after_switch_on(self_);
    if (ctx->is_context(boost::fibers::type::pinned_context)) {
      local_.push_back(*ctx);
      return;
    }
    ctx->detach();
    pool_.push(ctx);
  }

  ACTORSPEC_NO_TSAN context* pick_next() noexcept override {
    back_on_dispatcher();
    if (self_.parking_on_stack) {
      // Called by the fiber now parking, as its last act before it switches
      // away: the next call here, whoever makes it, finishes its park.
      self_.parking_on_stack = false;
    } else {
      pool_.after_switch_on(self_);
    }
    if (pool_.timers_armed() && context::active()->is_context(boost::fibers::type::dispatcher_context))
      pool_.fire_due_timers();
    context* next = choose_next();
    if constexpr (kTsanBuild) {
      if (void* fiber = next ? tsan_fiber_of(next) : nullptr) tsan_switch_to_fiber(fiber);
    }
    return next;
  }

  ACTORSPEC_NO_TSAN bool has_ready_fibers() const noexcept override {
    return !local_.empty() || self_.next.load(std::memory_order_relaxed) != nullptr || pool_.has_ready();
  }

  ACTORSPEC_NO_TSAN void suspend_until(const std::chrono::steady_clock::time_point& until) noexcept override {
    back_on_dispatcher();
    pool_.after_switch_on(self_);
    pool_.idle_wait(index_, until);
  }

  // Also called from other threads (a remote wake).
  ACTORSPEC_NO_TSAN void notify() noexcept override { pool_.notify(index_); }

 private:
  static constexpr unsigned kDispatcherEvery = 16;

  context* choose_next() noexcept {
    // The fiber this worker just woke first (its run-next slot), then shared
    // work, but let the dispatcher (it waits in local_ while a fiber runs)
    // in every so often: it gives ended fibers' stacks back, fires the
    // pool's due timers, and takes this thread's main context from Boost's
    // remote queue at stop().
    if (local_.empty() || ++streak_ < kDispatcherEvery) {
      context* ctx = pool_.take_next(self_);
      if (!ctx) ctx = pool_.try_pop();
      // take_next may have let the shared queue go first, and another
      // worker emptied it meanwhile.
      if (!ctx) ctx = self_.next.exchange(nullptr, std::memory_order_acq_rel);
      if (ctx) {
        self_.main_context->attach(ctx);  // to this worker's scheduler
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
    // Every fiber the pool runs carries a FiberTag (see README: no Boost
    // fibers of one's own inside a process).
    auto* tag = static_cast<FiberTag*>(ctx->get_properties());
    return tag ? tag->tsan_fiber : nullptr;
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
      // The workers and stop(): see stop().
      leaving_(static_cast<std::ptrdiff_t>(workers ? workers : 1) + 1) {
  if (workers == 0) workers = 1;
  running_workers_.store(workers, std::memory_order_relaxed);
  workers_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->identity = WorkerIdentity{this, i};
    workers_.back()->looks.resize(workers);
  }
  unsigned launched = 0;
  try {
    for (; launched < workers; ++launched)
      workers_[launched]->thread = std::thread([this, i = launched] { run_worker(i); });
  } catch (const std::system_error& e) {
    // All or nothing: stand in for the threads that never started, then end
    // the ones that did (make_runtime fails; nothing is left running).
    for (unsigned i = launched; i < workers; ++i) {
      started_.count_down();
      leaving_.count_down();
    }
    started_.wait();
    stop();
    throw SystemLimit("fiber backend: could not start worker thread " + std::to_string(launched + 1) + " of " +
                      std::to_string(workers) + " (" + e.what() + ")");
  }
  // stop() unparks the workers' main fibers, so they must be bound first.
  started_.wait();
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::is_worker_thread() const noexcept {
  const WorkerIdentity* w = current_worker_identity();
  return w != nullptr && w->pool == this;
}

unsigned WorkerPool::worker_index() const noexcept {
  const WorkerIdentity* w = current_worker_identity();
  return w != nullptr && w->pool == this ? w->index : kNotAWorker;
}

void WorkerPool::run_worker(unsigned index) {
  Worker& self = *workers_[index];
  set_current_worker_identity(&self.identity);
  core::prepare_overflow_reports();
  if constexpr (kTsanBuild) {
    self.tsan_main = tsan_current_fiber();
    self.tsan_dispatcher = tsan_create_fiber();
  }
  boost::fibers::use_scheduling_algorithm<SharedQueueScheduler>(*this, index);
  self.main_context = context::active();
  self.main.bind(self.main_context);
  started_.count_down();
  // The main context sleeps; the dispatcher runs process fibers meanwhile.
  while (!stopping_.load(std::memory_order_acquire)) {
    self.main.park();
    after_switch();
  }
  // Every worker has stopped before any scheduler is torn down (at thread
  // exit), so none can hand a fiber to a scheduler that is gone
  // (boostorg/fiber#319).
  leaving_.arrive_and_wait();
  // The identity stays set: the scheduler, torn down at thread exit, may
  // still release ended fibers (~FiberTag reads it).
}

void WorkerPool::stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  for (auto& w : workers_)
    if (w->thread.joinable()) w->main.unpark();
  // A worker may run its woken main context, leave and destroy its
  // scheduler (thread exit) while unpark is still inside that scheduler's
  // schedule_from_remote (it notifies after queueing): no worker leaves
  // before every unpark has returned.
  leaving_.count_down();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

WorkerPool::Worker& WorkerPool::this_worker() noexcept {
  const WorkerIdentity* id = current_worker_identity();
  return *workers_[id->index];
}

// ---- main contexts -----------------------------------------------------------

void WorkerPool::MainParker::park() noexcept {
  std::uintptr_t s = kPermit;
  if (state_.compare_exchange_strong(s, kIdle, std::memory_order_acquire)) return;
  s = kIdle;
  if (!state_.compare_exchange_strong(s, kParked, std::memory_order_acq_rel)) {
    state_.store(kIdle, std::memory_order_relaxed);  // s == kPermit
    return;
  }
  main_->suspend();
}

void WorkerPool::MainParker::unpark() noexcept {
  std::uintptr_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    if (s == kPermit) return;
    const std::uintptr_t next = s == kParked ? kIdle : kPermit;
    if (state_.compare_exchange_weak(s, next, std::memory_order_acq_rel)) break;
  }
  if (s != kParked) return;
  // Claimed: it stays suspended until this schedule, and a main context
  // never moves, so its scheduler is fixed. It may be suspending right now;
  // its scheduler takes it from the remote queue only once it is off.
  context* const main = main_;
  main->get_scheduler()->schedule_from_remote(main);
}

// ---- parking -----------------------------------------------------------------

void WorkerPool::parking_here(Parker& p, std::uint64_t epoch) noexcept {
  Worker& w = this_worker();
  w.parking = &p;
  w.parking_epoch = epoch;
  w.parking_on_stack = true;
}

void WorkerPool::after_switch() noexcept { after_switch_on(this_worker()); }

void WorkerPool::after_switch_on(Worker& w) noexcept {
  Parker* p = w.parking;
  // Never the parking fiber itself: it calls nothing here between
  // parking_here and its pick_next, which skips this (parking_on_stack).
  if (p == nullptr) return;
  w.parking = nullptr;
  p->finish_parking(w.parking_epoch);
}

// ---- the ready queue ---------------------------------------------------------

WorkerPool::Worker* WorkerPool::choose_sleeper_locked() noexcept {
  if (spinning_.load(std::memory_order_seq_cst) > 0) return nullptr;  // it will find the work
  for (auto& w : workers_) {
    if (w->idle && !w->kicked) {
      w->kicked = true;
      return w.get();
    }
  }
  return nullptr;
}

WorkerPool::Worker* WorkerPool::choose_deep_sleeper_locked() noexcept {
  for (auto& w : workers_) {
    if (w->idle && w->deep && !w->kicked) {
      w->kicked = true;
      return w.get();
    }
  }
  return nullptr;
}

WorkerPool::Worker* WorkerPool::push_locked(context* ctx) noexcept {
  queue_.push_back(*ctx);
  queued_.fetch_add(1, std::memory_order_seq_cst);
  return choose_sleeper_locked();
}

void WorkerPool::push(context* ctx) noexcept {
  Worker* sleeper;
  {
    std::lock_guard lock(mu_);
    sleeper = push_locked(ctx);
  }
  if (sleeper) sleeper->wake.notify_one();
}

void WorkerPool::push_next(context* ctx) noexcept {
  const WorkerIdentity* id = current_worker_identity();
  if (id == nullptr || id->pool != this) {
    push(ctx);
    return;
  }
  Worker& w = *workers_[id->index];
  w.next_fills.store(w.next_fills.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  // The one it displaces waited longer: it goes where any worker finds it.
  // Nobody is woken for the new one: usually this worker runs it in a
  // moment, once the waker parks; if the waker runs on instead, an idle
  // worker takes it (take_stuck: a spinning one after kSlotGrace, a
  // sleeping one within kWatchEvery, see idle_wait).
  if (context* displaced = w.next.exchange(ctx, std::memory_order_seq_cst)) push(displaced);
}

void WorkerPool::ending_here() noexcept {
  if (queued_.load(std::memory_order_seq_cst) == 0) return;  // nobody to wait behind: run it next
  Worker& w = this_worker();
  if (context* ctx = w.next.exchange(nullptr, std::memory_order_acq_rel)) push(ctx);
}

context* WorkerPool::take_next(Worker& w) noexcept {
  if (w.next.load(std::memory_order_relaxed) == nullptr) {
    w.next_streak = 0;
    return nullptr;
  }
  if (++w.next_streak > kNextStreak && queued_.load(std::memory_order_relaxed) > 0) {
    w.next_streak = 0;
    return nullptr;  // the shared queue's turn
  }
  return w.next.exchange(nullptr, std::memory_order_acq_rel);
}

bool WorkerPool::any_slot_full(unsigned self) const noexcept {
  for (unsigned i = 0; i < workers_.size(); ++i)
    if (i != self && workers_[i]->next.load(std::memory_order_seq_cst) != nullptr) return true;
  return false;
}

context* WorkerPool::take_stuck(unsigned self) noexcept {
  Worker& me = *workers_[self];
  context* taken = nullptr;
  for (unsigned i = 0; i < workers_.size(); ++i) {
    if (i == self) continue;
    Worker& other = *workers_[i];
    SlotLook& look = me.looks[i];
    const std::uint32_t fills = other.next_fills.load(std::memory_order_relaxed);
    context* ctx = other.next.load(std::memory_order_acquire);
    if (!taken && ctx != nullptr && ctx == look.ctx && fills == look.fills &&
        other.next.compare_exchange_strong(ctx, nullptr, std::memory_order_acq_rel)) {
      taken = ctx;
      look = SlotLook{};
      continue;
    }
    look = SlotLook{ctx, fills};
  }
  return taken;
}

context* WorkerPool::try_pop() noexcept {
  if (queued_.load(std::memory_order_seq_cst) == 0) return nullptr;  // idle_wait looks again under mu_
  std::lock_guard lock(mu_);
  if (queue_.empty()) return nullptr;
  context* ctx = &queue_.front();
  queue_.pop_front();
  queued_.fetch_sub(1, std::memory_order_relaxed);
  return ctx;
}

bool WorkerPool::has_ready() const noexcept { return queued_.load(std::memory_order_seq_cst) > 0; }

// ---- timers ------------------------------------------------------------------

void WorkerPool::publish_next_deadline_locked() noexcept {
  const auto next = timers_.empty() ? Clock::time_point::max() : timers_.begin()->deadline_;
  next_deadline_.store(next.time_since_epoch().count(), std::memory_order_release);
}

void WorkerPool::arm_timer(Parker& p, Clock::time_point deadline, std::uint64_t epoch) noexcept {
  Worker* sleeper = nullptr;
  {
    std::lock_guard lock(mu_);
    p.deadline_ = deadline;
    p.timer_epoch_ = epoch;
    const auto it = timers_.insert(p);
    if (it == timers_.begin()) {
      publish_next_deadline_locked();
      // A sleeping worker may be waiting for a later deadline: let one
      // re-read it.
      sleeper = choose_sleeper_locked();
    }
  }
  if (sleeper) sleeper->wake.notify_one();
}

void WorkerPool::disarm_timer(Parker& p) noexcept {
  std::lock_guard lock(mu_);
  if (!p.timer_hook_.is_linked()) return;  // it fired
  const bool was_first = &*timers_.begin() == &p;
  timers_.erase(timers_.iterator_to(p));
  if (was_first) publish_next_deadline_locked();
}

WorkerPool::Worker* WorkerPool::fire_due_timers_locked(Clock::time_point now) noexcept {
  Worker* sleeper = nullptr;
  bool fired = false;
  while (!timers_.empty() && timers_.begin()->deadline_ <= now) {
    Parker& p = *timers_.begin();
    timers_.erase(timers_.begin());
    fired = true;
    if (context* ctx = p.fire_timer_locked()) {
      Worker* s = push_locked(ctx);
      if (!sleeper) sleeper = s;
    }
  }
  if (fired) publish_next_deadline_locked();
  return sleeper;
}

void WorkerPool::fire_due_timers() noexcept {
  const auto now = Clock::now();
  if (now.time_since_epoch().count() < next_deadline_.load(std::memory_order_acquire)) return;
  Worker* sleeper;
  {
    std::lock_guard lock(mu_);
    sleeper = fire_due_timers_locked(now);
  }
  if (sleeper) sleeper->wake.notify_one();
}

// ---- idling ------------------------------------------------------------------

bool WorkerPool::spin_for_work(Worker& w) noexcept {
  spinning_.fetch_add(1, std::memory_order_seq_cst);
  const auto start = Clock::now();
  const auto give_up = start + kIdleSpin;
  auto next_look = start;
  bool found = false;
  for (;;) {
    if (queued_.load(std::memory_order_seq_cst) > 0 || w.poked.load(std::memory_order_relaxed) ||
        w.next.load(std::memory_order_relaxed) != nullptr) {
      found = true;
      break;
    }
    const auto now = Clock::now();
    if (now >= next_look) {
      next_look = now + kSlotGrace;
      if (context* stuck = take_stuck(w.identity.index)) {
        push(stuck);  // wakes nobody: we are spinning, and take it next
        found = true;
        break;
      }
    }
    if (now >= give_up || now.time_since_epoch().count() >= next_deadline_.load(std::memory_order_relaxed)) break;
    for (int i = 0; i < 32; ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }
  // A push that saw us spinning woke nobody; the locked check in idle_wait
  // (after this decrement) sees its work.
  spinning_.fetch_sub(1, std::memory_order_seq_cst);
  return found;
}

void WorkerPool::idle_wait(unsigned index, Clock::time_point until) noexcept {
  Worker& w = *workers_[index];
  Worker* sleeper = nullptr;
  for (auto& look : w.looks) look = SlotLook{};
  spin_for_work(w);
  {
    std::unique_lock lock(mu_);
    bool counted_idle = false;
    for (;;) {
      const auto now = Clock::now();
      if (Worker* s = fire_due_timers_locked(now); s && !sleeper) sleeper = s;
      if (w.notified || !queue_.empty() || w.next.load(std::memory_order_relaxed) != nullptr || now >= until) break;
      auto deadline = timers_.empty() ? until : std::min(until, timers_.begin()->deadline_);
      if (!counted_idle) {
        running_workers_.fetch_sub(1, std::memory_order_seq_cst);
        counted_idle = true;
      }
      // Counted deep first, then the others looked at: the reverse of the
      // end of this function.
      deep_sleepers_.fetch_add(1, std::memory_order_seq_cst);
      w.deep = true;
      if (any_slot_full(index)) {
        deadline = std::min(deadline, now + kSlotRecheck);
      } else if (running_workers_.load(std::memory_order_seq_cst) > 0) {
        deadline = std::min(deadline, now + kWatchEvery);
      }
      if (deadline != Clock::time_point::max()) {
        w.deep = false;
        deep_sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      }
      w.idle = true;
      if (deadline == Clock::time_point::max())
        w.wake.wait(lock);
      else
        w.wake.wait_until(lock, deadline);
      w.idle = false;
      if (w.deep) {
        w.deep = false;
        deep_sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      }
      w.kicked = false;
      if (context* stuck = take_stuck(index)) {
        if (Worker* s = push_locked(stuck); s && !sleeper) sleeper = s;
        break;
      }
      // A slot is full: watch it spinning (take_stuck after kSlotGrace).
      if (any_slot_full(index)) break;
    }
    if (counted_idle) {
      // Back to work: a deep sleeper must now watch this worker's slot.
      running_workers_.fetch_add(1, std::memory_order_seq_cst);
      if (!sleeper && deep_sleepers_.load(std::memory_order_seq_cst) > 0) sleeper = choose_deep_sleeper_locked();
    }
    w.notified = false;
    w.poked.store(false, std::memory_order_relaxed);
  }
  // More timers came due than this worker can run at once.
  if (sleeper) sleeper->wake.notify_one();
}

void WorkerPool::notify(unsigned index) noexcept {
  Worker& w = *workers_[index];
  bool asleep;
  {
    std::lock_guard lock(mu_);
    w.notified = true;
    w.poked.store(true, std::memory_order_relaxed);
    asleep = w.idle;
  }
  if (asleep) w.wake.notify_one();
}

}  // namespace actorspec::fiber_backend

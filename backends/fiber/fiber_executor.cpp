#include "fiber_executor.hpp"

#include <boost/fiber/context.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/policy.hpp>
#include <boost/fiber/properties.hpp>

#include <thread>

#include "actorspec/stackful/overflow_check.hpp"
#include "parker.hpp"

namespace actorspec::fiber_backend {
namespace {

// Per process, owned by the process (core::Schedulable::slot).
struct FiberSlot final : core::ExecutionSlot {
  Parker parker;
  StackBounds stack;
};

FiberSlot& slot_of(core::Schedulable& p) { return static_cast<FiberSlot&>(*p.slot); }

// After every switch onto a process: for current() and the overflow report.
void running(core::Schedulable& process, const StackBounds& stack) {
  current_worker_identity()->running = &process;
  stackful::running_on(&process, "fiber", stack);
}

unsigned default_workers(unsigned requested) {
  if (requested) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw ? hw : 1;
}

// The StackAllocator Boost.Context asks for: the runtime's pool, through
// the calling worker's own cache (Boost.Fiber frees an ended fiber's stack
// on the worker that ran it last). It also reports where the stack lies.
class PooledStack {
 public:
  PooledStack(stackful::StackPool& stacks, const WorkerPool& workers, StackBounds* allocated)
      : stacks_(&stacks), workers_(&workers), allocated_(allocated) {}

  boost::context::stack_context allocate() {
    const StackBounds b = stacks_->allocate(cache());
    if (allocated_) *allocated_ = b;
    allocated_ = nullptr;  // only meaningful during the one allocation
    boost::context::stack_context sctx;
    sctx.size = b.size;
    sctx.sp = static_cast<char*>(b.bottom) + b.size;
    return sctx;
  }
  void deallocate(boost::context::stack_context& sctx) noexcept {
    stacks_->deallocate(static_cast<char*>(sctx.sp) - sctx.size, cache());
  }

 private:
  unsigned cache() const noexcept {
    const unsigned w = workers_->worker_index();
    return w == WorkerPool::kNotAWorker ? stackful::StackPool::kNoCache : w;
  }

  stackful::StackPool* stacks_;
  const WorkerPool* workers_;
  StackBounds* allocated_;
};

}  // namespace

FiberExecutor::FiberExecutor(unsigned workers, std::size_t stack_size)
    : stacks_(stack_size ? stack_size : kDefaultStackSize, default_workers(workers)),
      pool_(default_workers(workers)) {}

FiberExecutor::~FiberExecutor() { join(); }

void FiberExecutor::launch(core::Schedulable& process, std::function<void()> entry) {
  process.slot = std::make_unique<FiberSlot>();
  FiberSlot& slot = slot_of(process);
  // Tells current() which process runs on the fiber, wherever it migrated.
  auto* tag = new FiberTag(this, &process);
  boost::intrusive_ptr<boost::fibers::context> fiber;
  try {
    CreationSwitch on_new_stack(tag->tsan_fiber);
    fiber = boost::fibers::make_worker_context_with_properties(
        boost::fibers::launch::post, tag, PooledStack(stacks_, pool_, &slot.stack),
        [this, &process, stack = &slot.stack, entry = std::move(entry)]() mutable {
          now_running_on(*stack);
          pool_.after_switch();
          running(process, *stack);
          const StackBounds bounds = *stack;  // the slot goes with the process
          entry();
          entry = nullptr;  // may destroy the process and its slot
          stackful::check_stack("fiber", bounds);
          pool_.ending_here();
          finished();
        });
  } catch (...) {
    tag->abandon();
    delete tag;  // the context never took it
    throw;
  }
  slot.parker.bind(pool_, fiber.get(), slot.stack);
  {
    std::lock_guard lock(mu_);
    ++running_;
  }
  // The context was made holding one reference of its own, which the
  // scheduler drops once the fiber has ended; drop ours before any worker
  // can see it.
  boost::fibers::context* raw = fiber.get();
  fiber.reset();
  pool_.push_next(raw);  // a process spawned by a process runs when its parent parks
}

void FiberExecutor::finished() {
  std::lock_guard lock(mu_);
  --running_;
  // join() may return (and the runtime end) once this reaches zero; the
  // executor itself lives on until the workers, and so this fiber, end.
  if (running_ == 0) all_done_.notify_all();
}

bool FiberExecutor::park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) {
  FiberSlot& slot = slot_of(process);
  stackful::check_stack("fiber", slot.stack);
  const bool woken = slot.parker.park(deadline);
  running(process, slot.stack);
  return woken;
}

void FiberExecutor::wake(core::Schedulable& process) { slot_of(process).parker.unpark(); }

void FiberExecutor::yield(core::Schedulable& process) {
  // The pool's scheduler puts the fiber at the back of the shared ready
  // queue (SharedQueueScheduler::awakened): every fiber ready now runs first.
  // What follows a fiber across a switch goes with it, as in Parker::park.
  FiberSlot& slot = slot_of(process);
  const EhState eh = take_thread_eh_state();
  boost::this_fiber::yield();
  // Resumed, perhaps on another worker thread.
  now_running_on(slot.stack);
  restore_thread_eh_state(eh);
  pool_.after_switch();  // finish what the fiber before us on this worker left
  running(process, slot.stack);
}

core::Schedulable* FiberExecutor::current() {
  // Only process code asks (a pool thread's main and dispatcher contexts run
  // none), and every process sets `running` as it comes back onto a worker.
  const WorkerIdentity* w = current_worker_identity();
  return w != nullptr && w->pool == &pool_ ? static_cast<core::Schedulable*>(w->running) : nullptr;
}

void FiberExecutor::join() {
  {
    std::unique_lock lock(mu_);
    all_done_.wait(lock, [&] { return running_ == 0; });
  }
  pool_.stop();
}

}  // namespace actorspec::fiber_backend

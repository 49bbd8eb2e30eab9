#include "tbb_executor.hpp"

#include <oneapi/tbb/info.h>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

#include "process_fiber.hpp"

namespace actorspec::tbb_backend {
namespace {

// The slot only points at the fiber: the fiber outlives the process (it
// finishes switching off the stack after the process is gone), so the
// process must not own it (Executor::launch, lifetime).
struct FiberSlot final : core::ExecutionSlot {
  explicit FiberSlot(ProcessFiber* f) : fiber(f) {}
  ProcessFiber* fiber;
};

ProcessFiber& fiber_of(core::Schedulable& p) { return *static_cast<FiberSlot&>(*p.slot).fiber; }

// The body of one TBB task: runs a slice of one fiber. TBB hands tasks
// between threads (and recycles their memory) inside libtbb, which is not
// instrumented; under ThreadSanitizer the body publishes its own bytes so
// those hand-overs are seen. Elsewhere the hooks compile to nothing.
class SliceTask {
 public:
  explicit SliceTask(ProcessFiber* fiber) : fiber_(fiber) {}
  // TBB copies the body into a task it may have recycled from another
  // thread: acquire what that thread released before writing.
  SliceTask(const SliceTask& other) {
    acquire(this);
    fiber_ = other.fiber_;
    release(this);
  }
  ~SliceTask() { release(this); }
  SliceTask& operator=(const SliceTask&) = delete;

  void operator()() const {
    acquire(this);
    fiber_->run_slice();
  }

 private:
#if defined(__SANITIZE_THREAD__)
  static void acquire(const void* p) { __tsan_acquire(const_cast<void*>(p)); }
  static void release(const void* p) { __tsan_release(const_cast<void*>(p)); }
#else
  static void acquire(const void*) {}
  static void release(const void*) {}
#endif

  ProcessFiber* fiber_;  // no default initialiser: the copy must acquire before its first write
};

unsigned resolve_workers(unsigned requested) {
  if (requested) return requested;
  const int n = tbb::info::default_concurrency();
  return n > 0 ? static_cast<unsigned>(n) : 1u;
}

}  // namespace

TbbExecutor::TbbExecutor(unsigned workers, std::size_t stack_size)
    : workers_(resolve_workers(workers)),
      lease_(workers_),
      // No slot reserved for an outside thread: nobody joins; enqueue feeds it.
      arena_(static_cast<int>(workers_), 0),
      stacks_(stack_size ? stack_size : kDefaultStackSize, arena_slots()),
      timer_(*this),
      next_(arena_slots(), [this](ProcessFiber& f) { enqueue(f); }) {
  arena_.initialize();
}

TbbExecutor::~TbbExecutor() { join(); }

void TbbExecutor::launch(core::Schedulable& process, std::function<void()> entry) {
  auto slot = std::make_unique<FiberSlot>(nullptr);  // allocated first: nothing to undo if it throws
  auto* fiber = new ProcessFiber(*this, process, std::move(entry));
  slot->fiber = fiber;
  process.slot = std::move(slot);
  {
    std::lock_guard lock(mu_);
    ++live_fibers_;
  }
  fiber->start();
}

bool TbbExecutor::park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) {
  return fiber_of(process).park(deadline);
}

void TbbExecutor::wake(core::Schedulable& process) { fiber_of(process).wake(); }

void TbbExecutor::yield(core::Schedulable& process) { fiber_of(process).yield(); }

core::Schedulable* TbbExecutor::current() {
  ProcessFiber* f = ProcessFiber::running_here();
  // A process of another runtime is not "inside" this one.
  return f && &f->executor() == this ? &f->process() : nullptr;
}

void TbbExecutor::enqueue(ProcessFiber& fiber) {
  arena_.enqueue(SliceTask(&fiber));
}

int TbbExecutor::run_next_slot() const {
  const ProcessFiber* running = ProcessFiber::running_here();
  if (running == nullptr || &running->executor() != this) return -1;
  const int slot = tbb::this_task_arena::current_thread_index();
  return slot >= 0 && static_cast<unsigned>(slot) < next_.size() ? slot : -1;
}

void TbbExecutor::make_runnable(ProcessFiber& fiber) {
  const int slot = run_next_slot();
  if (slot < 0) {
    enqueue(fiber);
    return;
  }
  if (ProcessFiber* displaced = next_.put(static_cast<unsigned>(slot), fiber)) enqueue(*displaced);
}

void TbbExecutor::fiber_finished() {
  std::lock_guard lock(mu_);
  // Notified under the lock: once join() sees zero it may destroy us, and
  // the worker touches nothing of ours after unlocking.
  if (--live_fibers_ == 0) all_done_.notify_all();
}

void TbbExecutor::join() {
  {
    std::unique_lock lock(mu_);
    all_done_.wait(lock, [&] { return live_fibers_ == 0; });
    if (joined_) return;
    joined_ = true;
  }
  timer_.stop();
  next_.stop();
  // Every fiber has ended, so no task of ours is queued; a worker may still
  // be returning from the last one, which the arena tolerates.
  arena_.terminate();
}

}  // namespace actorspec::tbb_backend

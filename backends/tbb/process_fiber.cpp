#include "process_fiber.hpp"

#include <oneapi/tbb/task_arena.h>

#include "actorspec/core/overflow_report.hpp"
#include "actorspec/stackful/overflow_check.hpp"
#include "tbb_executor.hpp"

namespace actorspec::tbb_backend {
namespace {

namespace ctx = boost::context;

thread_local ProcessFiber* running_fiber = nullptr;

// The calling worker's stack cache in `executor`'s pool: its slot in the
// arena when it runs one of the executor's processes (a spawn, or a stack
// freed as its process ends), else none.
unsigned stack_cache_here(const TbbExecutor& executor) {
  const ProcessFiber* f = ProcessFiber::running_here();
  if (f == nullptr || &f->executor() != &executor) return stackful::StackPool::kNoCache;
  const int slot = tbb::this_task_arena::current_thread_index();
  return slot >= 0 && static_cast<unsigned>(slot) < executor.arena_slots() ? static_cast<unsigned>(slot)
                                                                        : stackful::StackPool::kNoCache;
}

// A Boost.Context stack allocator over the runtime's pool; it also tells the
// fiber where its stack is (for the overflow check and the sanitizers).
struct PooledStack {
  TbbExecutor* executor;
  stackful::StackBounds* bounds;

  ctx::stack_context allocate() {
    *bounds = executor->stacks().allocate(stack_cache_here(*executor));
    ctx::stack_context sc;
    sc.size = bounds->size;
    sc.sp = static_cast<char*>(bounds->bottom) + sc.size;
    return sc;
  }
  void deallocate(ctx::stack_context& sc) noexcept {
    executor->stacks().deallocate(static_cast<char*>(sc.sp) - sc.size, stack_cache_here(*executor));
  }
};

}  // namespace

ProcessFiber::ProcessFiber(TbbExecutor& executor, core::Schedulable& process, std::function<void()> entry)
    : executor_(executor), process_(&process), entry_(std::move(entry)) {
  process_created(switch_);
  try {
    stackful::CreationSwitch on_new_stack(switch_.tsan_fiber);
    context_ = ctx::fiber(std::allocator_arg, PooledStack{&executor, &stack_},
                          [this](ctx::fiber&& worker) { return body(std::move(worker)); });
  } catch (...) {  // no stack: the destructor will not run
    process_destroyed(switch_);
    throw;
  }
}

// Whoever makes the process runnable reads what it needs of *this before
// its release (store or CAS) and only the address after: from the release
// on, the process may run, end and be freed on another thread.
void ProcessFiber::start() {
  TbbExecutor& executor = executor_;
  // Pairs with the acquire in run_slice. TBB's queue orders them too, but
  // libtbb is not instrumented, so ThreadSanitizer would not see it.
  word_.release();
  executor.enqueue(*this);
}

ProcessFiber::~ProcessFiber() { process_destroyed(switch_); }

// Kept out of line: a caller that straddles a switch must not reuse one
// thread's TLS address on another (GCC may cache a TLS address across the switch).
[[gnu::noinline]] ProcessFiber* ProcessFiber::running_here() { return running_fiber; }

ctx::fiber ProcessFiber::body(ctx::fiber&& worker) {
  worker_ = std::move(worker);
  arrived_on_process(switch_);
  entry_();
  entry_ = nullptr;  // may destroy the process and its slot: touch neither again
  process_ = nullptr;
  check_stack();
  leaving_process(switch_, /*ending=*/true);
  return std::move(worker_);
}

void ProcessFiber::run_slice() {
  ProcessFiber* const outer = running_fiber;
  core::prepare_overflow_reports();
  running_fiber = this;  // for run_next_slot
  const int next_slot = executor_.run_next_slot();
  for (ProcessFiber* f = this; f != nullptr;) {
    f = f->run_until_switched_out(next_slot);
    running_fiber = outer;
  }
}

ProcessFiber* ProcessFiber::run_until_switched_out(int next_slot) {
  word_.acquire();  // see start(); a wake's or the timer's CAS, or the run-next slot, also releases
  running_fiber = this;
  TbbExecutor& executor = executor_;
  for (;;) {
    stackful::running_on(process_, "tbb", stack_);
    WorkerSwitch into(switch_, stack_.bottom, stack_.size);
    context_ = std::move(context_).resume();
    into.returned(switch_);
    // What it woke into this thread's slot runs next here. Taken while the
    // process is still ours, so the executor is surely alive.
    ProcessFiber* const next = executor.take_next(next_slot);
    if (!context_) {  // the process ended; its stack is back in the pool
      running_fiber = nullptr;
      finish();
      return next;
    }
    check_stack();
    if (yielding_) {
      // Still `running`: a wake now is kept for the next park. Queued
      // behind what is waiting, so the others on this worker go first.
      yielding_ = false;
      running_fiber = nullptr;
      // Publishes this slice's writes (context_) to the worker that runs the
      // next one, as a wake's CAS does: run_slice starts with an acquire.
      word_.release();
      executor.enqueue(*this);  // from here another worker may run it
      return next;
    }
    if (word_.publish_parked(parking_epoch_)) {
      // From here another thread may resume or free this fiber.
      running_fiber = nullptr;
      return next;
    }
    // A wake or a timeout came while it was switching out: run it again;
    // what it woke waits its turn in the queue.
    if (next) executor.enqueue(*next);
  }
}

bool ProcessFiber::park(std::optional<core::Clock::time_point> deadline) {
  if (word_.consume_permit_or_begin(parking_epoch_)) return true;
  if (deadline) {
    used_timer_ = true;
    executor_.timer().arm(*this, *deadline, parking_epoch_);
  }
  switch_to_worker();
  // A wake or the timer made it runnable again.
  return word_.end_park();
}

void ProcessFiber::yield() {
  yielding_ = true;
  switch_to_worker();
}

void ProcessFiber::switch_to_worker() {
  leaving_process(switch_, /*ending=*/false);
  worker_ = std::move(worker_).resume();
  arrived_on_process(switch_);
}

void ProcessFiber::wake() {
  // Only when the word says so: otherwise the process may take the wake,
  // end and be freed at once.
  if (word_.wake()) executor_.make_runnable(*this);
}

bool ProcessFiber::expire(std::uint64_t epoch) { return word_.expire(epoch); }

void ProcessFiber::check_stack() const { stackful::check_stack("tbb", stack_); }

void ProcessFiber::finish() {
  TbbExecutor& executor = executor_;
  if (used_timer_) executor.timer().disarm(*this);
  delete this;
  executor.fiber_finished();
}

}  // namespace actorspec::tbb_backend

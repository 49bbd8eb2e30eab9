#include "process_fiber.hpp"

#include <cstdio>
#include <cstdlib>

#include "stack_pool.hpp"
#include "tbb_executor.hpp"

namespace actorspec::tbb_backend {
namespace {

namespace ctx = boost::context;

enum : std::uint64_t {
  kRunning = 0,
  kNotified = 1,
  kParking = 2,
  kParked = 3,
  kPhase = 3,
  kTimedOut = 4,  // set with `running` by the timer; park returns false
  kSeqOne = 8,    // the park number counts in the bits above
};

constexpr std::uint64_t phase(std::uint64_t s) { return s & kPhase; }
constexpr std::uint64_t park_seq(std::uint64_t s) { return s / kSeqOne; }
constexpr std::uint64_t with_phase(std::uint64_t s, std::uint64_t p) { return (s & ~kPhase) | p; }

constexpr auto kAcqRel = std::memory_order_acq_rel;
constexpr auto kAcquire = std::memory_order_acquire;

thread_local ProcessFiber* running_fiber = nullptr;

// A Boost.Context stack allocator over the runtime's pool; it also tells the
// fiber where its stack is (for the canary and the sanitizers).
struct PooledStack {
  StackPool* pool;
  void** bottom;

  ctx::stack_context allocate() {
    void* stack = pool->acquire();
    *bottom = stack;
    ctx::stack_context sc;
    sc.size = pool->stack_size();
    sc.sp = static_cast<char*>(stack) + sc.size;
    return sc;
  }
  void deallocate(ctx::stack_context& sc) noexcept { pool->release(static_cast<char*>(sc.sp) - sc.size); }
};

}  // namespace

ProcessFiber::ProcessFiber(TbbExecutor& executor, core::Schedulable& process, std::function<void()> entry)
    : executor_(executor), process_(&process), entry_(std::move(entry)) {
  process_created(switch_);
  try {
    CreationSwitch on_new_stack(switch_);
    context_ = ctx::fiber(std::allocator_arg, PooledStack{&executor.stacks(), &stack_bottom_},
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
  state_.store(kRunning, std::memory_order_release);
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
  (void)state_.load(kAcquire);  // see start(); a wake's or the timer's CAS also releases
  ProcessFiber* const outer = running_fiber;
  running_fiber = this;
  for (;;) {
    WorkerSwitch into(switch_, stack_bottom_, executor_.stacks().stack_size());
    context_ = std::move(context_).resume();
    into.returned(switch_);
    if (!context_) {  // the process ended; its stack is back in the pool
      running_fiber = outer;
      finish();
      return;
    }
    check_stack();
    if (yielding_) {
      // Still `running`: a wake now is kept for the next park. Queued
      // behind what is waiting, so the others on this worker go first.
      yielding_ = false;
      running_fiber = outer;
      // Publishes this slice's writes (context_) to the worker that runs the
      // next one, as a wake's CAS does: run_slice starts with an acquire.
      state_.fetch_add(0, std::memory_order_release);
      executor_.enqueue(*this);  // from here another worker may run it
      return;
    }
    if (publish_parked()) {
      // From here another thread may resume or free this fiber.
      running_fiber = outer;
      return;
    }
    // A wake or a timeout came while it was switching out: run it again.
  }
}

bool ProcessFiber::publish_parked() {
  std::uint64_t s = state_.load(kAcquire);
  while (phase(s) == kParking)
    if (state_.compare_exchange_weak(s, with_phase(s, kParked), kAcqRel, kAcquire)) return true;
  return false;
}

bool ProcessFiber::park(std::optional<core::Clock::time_point> deadline) {
  std::uint64_t s = state_.load(kAcquire);
  std::uint64_t parking;
  for (;;) {
    if (phase(s) == kNotified) {
      if (state_.compare_exchange_weak(s, with_phase(s, kRunning), kAcqRel, kAcquire)) return true;
      continue;
    }
    // Only the process itself parks, so the phase here is `running`.
    parking = with_phase(s + kSeqOne, kParking);
    if (state_.compare_exchange_weak(s, parking, kAcqRel, kAcquire)) break;
  }
  if (deadline) {
    used_timer_ = true;
    executor_.timer().arm(*this, *deadline, park_seq(parking));
  }
  switch_to_worker();
  // A wake or the timer moved us back to `running`, the timer with its flag.
  if (state_.load(kAcquire) & kTimedOut) {
    state_.fetch_and(~std::uint64_t{kTimedOut}, kAcqRel);
    return false;
  }
  return true;
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
  TbbExecutor& executor = executor_;  // see start()
  std::uint64_t s = state_.load(kAcquire);
  for (;;) {
    switch (phase(s)) {
      case kNotified:
        return;  // already holds a wake
      case kRunning:
        // Kept for its next park. Do not touch *this afterwards: the
        // process may take the wake, end and be freed at once.
        if (state_.compare_exchange_weak(s, with_phase(s, kNotified), kAcqRel, kAcquire)) return;
        break;
      case kParking:
        // The worker switching it out will see this and resume it.
        if (state_.compare_exchange_weak(s, with_phase(s, kRunning), kAcqRel, kAcquire)) return;
        break;
      case kParked:
        if (state_.compare_exchange_weak(s, with_phase(s, kRunning), kAcqRel, kAcquire)) {
          executor.enqueue(*this);
          return;
        }
        break;
    }
  }
}

bool ProcessFiber::expire(std::uint64_t seq) {
  std::uint64_t s = state_.load(kAcquire);
  for (;;) {
    if (park_seq(s) != seq) return false;  // that park is over
    const std::uint64_t p = phase(s);
    if (p != kParking && p != kParked) return false;  // woken first
    if (state_.compare_exchange_weak(s, with_phase(s, kRunning) | kTimedOut, kAcqRel, kAcquire)) return p == kParked;
  }
}

void ProcessFiber::check_stack() const {
  if (StackPool::canary_intact(stack_bottom_)) return;
  std::fprintf(stderr,
               "actorspec tbb backend: a process overflowed its %zu-byte stack; "
               "give it more with RuntimeOptions::stack_size\n",
               executor_.stacks().stack_size());
  std::abort();
}

void ProcessFiber::finish() {
  TbbExecutor& executor = executor_;
  if (used_timer_) executor.timer().disarm(*this);
  delete this;
  executor.fiber_finished();
}

}  // namespace actorspec::tbb_backend

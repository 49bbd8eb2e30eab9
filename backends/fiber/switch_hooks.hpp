#pragma once
// What must follow a fiber across a stack switch because a runtime keeps it
// per thread: the C++ runtime's exception bookkeeping (__cxa_eh_globals),
// AddressSanitizer's idea of the current stack, and ThreadSanitizer's idea
// of the current fiber. The sanitizer hooks are no-ops in other builds.

#include <cstddef>

namespace actorspec::fiber_backend {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kTsanBuild = true;
#else
inline constexpr bool kTsanBuild = false;
#endif

// For functions that tell TSan about a switch: TSan's function entry and
// exit records must not straddle the switch (the exit would pop the other
// fiber's shadow stack).
#define ACTORSPEC_NO_TSAN __attribute__((no_sanitize_thread))

struct StackBounds {
  void* bottom = nullptr;  // lowest address
  std::size_t size = 0;
};

// The calling thread's own stack (its main context's), from pthread.
StackBounds thread_stack_bounds();

// Tells AddressSanitizer that the caller now runs on `stack`, so that
// __asan_handle_no_return (called on every throw) clears the right stack's
// shadow. A no-op without ASan. Call it first thing after a switch.
void now_running_on(StackBounds stack) noexcept;

// Clears the shadow of a stack about to be reused. A no-op without ASan.
void forget_stack_shadow(StackBounds stack) noexcept;

// The Itanium C++ ABI keeps "exceptions being handled" and "exceptions in
// flight" per thread (__cxa_eh_globals, ABI 2.2.2). A fiber that parks inside
// a catch block, or while unwinding, and resumes on another worker must take
// them along; otherwise std::rethrow, std::current_exception and
// std::uncaught_exceptions see another thread's state.
struct EhState {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
};

// Moves the calling thread's exception state into the returned value and
// leaves the thread with none (what the scheduler's own contexts expect).
EhState take_thread_eh_state() noexcept;
// Puts a fiber's exception state back on the (possibly different) thread.
void restore_thread_eh_state(const EhState& state) noexcept;

// ThreadSanitizer fibers (sanitizer/tsan_interface.h). Boost.Fiber switches
// stacks inside libboost_fiber, which has no TSan hooks; every switch goes
// through the scheduling algorithm's pick_next, so that is where the pool
// tells TSan (see worker_pool.cpp). All return or take nullptr without TSan.
void* tsan_current_fiber() noexcept;
void* tsan_create_fiber() noexcept;
void tsan_destroy_fiber(void* fiber) noexcept;
// Call immediately before the real switch, with nothing instrumented in
// between: TSan attributes everything after it to `fiber`.
void tsan_switch_to_fiber(void* fiber) noexcept;

// Brackets the construction of a fiber's Boost.Context context, which jumps
// onto the new stack and straight back (boost::context's fiber_entry, a
// template compiled into our instrumented code). Under TSan the function
// entry it records there must land on the new fiber's shadow stack: on the
// caller's it is never popped, so a spawner's shadow stack grows by one
// frame per spawn and every stack trace TSan stores from it (mutexes,
// threads) is deeper and new: the stack depot grew ~40 MB per 100 runtimes
// (TSAN_OPTIONS=profile_memory). A no-op without TSan.
class CreationSwitch {
 public:
  explicit CreationSwitch(void* new_tsan_fiber) noexcept;
  ~CreationSwitch();
  CreationSwitch(const CreationSwitch&) = delete;
  CreationSwitch& operator=(const CreationSwitch&) = delete;

 private:
  void* caller_ = nullptr;
};

}  // namespace actorspec::fiber_backend

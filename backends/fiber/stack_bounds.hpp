#pragma once
// Where a fiber's stack lies, and the two things that must follow a fiber
// across a stack switch because the runtime keeps them per thread:
// AddressSanitizer's idea of the current stack, and the C++ runtime's
// exception bookkeeping (__cxa_eh_globals).

#include <cstddef>

namespace actorspec::fiber_backend {

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

}  // namespace actorspec::fiber_backend

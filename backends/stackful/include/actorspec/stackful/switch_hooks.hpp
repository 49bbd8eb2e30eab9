#pragma once
// What must follow a process across a stack switch because a runtime keeps
// it per thread, for every stackful backend:
//  - the C++ runtime's exception bookkeeping (__cxa_eh_globals: the
//    caught-exception stack and std::uncaught_exceptions). A process that
//    parks inside a catch block, or while unwinding, and resumes on another
//    worker must find it there;
//  - AddressSanitizer's idea of the current stack
//    (__sanitizer_start/finish_switch_fiber), or it mistakes frames on a
//    process stack for overflows and mishandles exceptions thrown there
//    (Debian's Boost.Context is the assembly fcontext, which has no hooks);
//  - ThreadSanitizer's idea of the current fiber (__tsan_*_fiber): a shadow
//    call stack and vector clock per fiber.
// The sanitizer hooks are no-ops in other builds. The switches themselves
// are the backends' (how a process runs); each hook is called right around one.

#include <cstddef>

#include "actorspec/stackful/stack.hpp"

namespace actorspec::stackful {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kTsanBuild = true;
#else
inline constexpr bool kTsanBuild = false;
#endif

// For functions that tell TSan about a switch: TSan's function entry and
// exit records must not straddle the switch (the exit would pop the other
// fiber's shadow stack).
#define ACTORSPEC_NO_TSAN __attribute__((no_sanitize_thread))

// ---- exception state (Itanium C++ ABI 2.2.2) ---------------------------------

struct EhState {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
};

// Moves the calling thread's exception state into the returned value and
// leaves the thread with none.
EhState take_thread_eh_state() noexcept;
// Puts a process's exception state on the (possibly different) thread.
void restore_thread_eh_state(const EhState& state) noexcept;
// Both at once: installs `state`, returns what the thread had.
EhState exchange_thread_eh_state(const EhState& state) noexcept;

// ---- AddressSanitizer ------------------------------------------------------------

// The calling thread's own stack (its main context's), from pthread.
StackBounds thread_stack_bounds();

// Tells ASan the caller now runs on `stack` (a start/finish pair back to
// back on the new stack), so that __asan_handle_no_return (called on every
// throw) clears the right stack's shadow. For switches made inside a library
// (Boost.Fiber): call it first thing after one. No fake-stack save slot: this
// requires detect_stack_use_after_return=0 (the default).
void now_running_on(StackBounds stack) noexcept;

// The proper pair, for switches the backend makes itself: start right
// before the switch to `to` (fake_stack_save: where to keep the leaving
// stack's fake frames, nullptr when it is leaving for good), finish right
// after arriving (fake_stack: what start saved for the stack arrived on;
// old_*: where the stack switched from lies, may be null).
void start_switch(void** fake_stack_save, const void* to_bottom, std::size_t to_size) noexcept;
void finish_switch(void* fake_stack, const void** old_bottom, std::size_t* old_size) noexcept;

// Clears the shadow of a stack about to be reused.
void forget_stack_shadow(StackBounds stack) noexcept;

// ---- ThreadSanitizer ---------------------------------------------------------------

// All return or take nullptr without TSan.
void* tsan_current_fiber() noexcept;
void* tsan_create_fiber() noexcept;
void tsan_destroy_fiber(void* fiber) noexcept;
// Call immediately before the real switch, with nothing instrumented in
// between: TSan attributes everything after it to `fiber`.
void tsan_switch_to_fiber(void* fiber) noexcept;

// Brackets the construction of a process's Boost.Context context, which
// jumps onto the new stack and straight back (boost::context's fiber_entry,
// a template compiled into our instrumented code). Under TSan the function
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

}  // namespace actorspec::stackful

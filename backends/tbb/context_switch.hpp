#pragma once
// What must travel with a process when its stack is switched in or out,
// beyond the registers Boost.Context saves:
//  - AddressSanitizer must be told which stack is current
//    (__sanitizer_start/finish_switch_fiber), or it mistakes frames on a
//    process stack for overflows and mishandles exceptions thrown there.
//    Debian's Boost.Context is the assembly fcontext, which has no hooks.
//  - ThreadSanitizer keeps a shadow call stack and vector clock per fiber
//    (__tsan_create/switch_to/destroy_fiber). Both of its switches are made
//    on the worker side, before the resume and after it returns: the
//    process's last frames return after it hands control back (Boost's
//    entry code), and a switch made on the process side would pop them off
//    the worker's shadow stack.
//  - The C++ runtime's per-thread exception state (__cxa_get_globals: the
//    caught-exception stack and std::uncaught_exceptions) belongs to the
//    process, not the worker: a process that parks inside a catch block or
//    during unwinding and resumes on another worker must find it there.
// The switches themselves live in process_fiber.cpp; each hook below is
// called right around one of them.

#include <cstddef>

namespace actorspec::tbb_backend {

// The per-process half of the bookkeeping above.
struct SwitchState {
  // C++ exception state of the process while it is switched out.
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
#if defined(__SANITIZE_ADDRESS__)
  void* fake_stack = nullptr;            // ASan's fake frames of the process while switched out
  const void* worker_bottom = nullptr;   // the stack to return to, learnt on each switch in
  std::size_t worker_size = 0;
#endif
#if defined(__SANITIZE_THREAD__)
  void* tsan_fiber = nullptr;
#endif
};

// Worker side: brackets one resume of a process stack [bottom, bottom+size).
class WorkerSwitch {
 public:
  WorkerSwitch(SwitchState& process, const void* stack_bottom, std::size_t stack_size);
  // Call when the process switched back (parked or ended).
  void returned(SwitchState& process);

 private:
  void* worker_caught_ = nullptr;
  unsigned int worker_uncaught_ = 0;
#if defined(__SANITIZE_ADDRESS__)
  void* worker_fake_stack_ = nullptr;
#endif
#if defined(__SANITIZE_THREAD__)
  void* worker_tsan_fiber_ = nullptr;
#endif
};

// Process side: right after arriving on the process stack, and right before
// leaving it (for good when `ending`).
void arrived_on_process(SwitchState& process);
void leaving_process(SwitchState& process, bool ending);

// Lifetime of the sanitizer's per-process objects.
void process_created(SwitchState& process);
void process_destroyed(SwitchState& process);

// Brackets the construction of a process's Boost.Context fiber, which
// briefly jumps onto the new stack and back: under TSan the frame it leaves
// there must land on the process's shadow stack, not the caller's (one
// stray frame per spawn would overflow a spawner's shadow stack).
class CreationSwitch {
 public:
  explicit CreationSwitch(SwitchState& process);
  ~CreationSwitch();
  CreationSwitch(const CreationSwitch&) = delete;
  CreationSwitch& operator=(const CreationSwitch&) = delete;

 private:
#if defined(__SANITIZE_THREAD__)
  void* caller_tsan_fiber_ = nullptr;
#endif
};

}  // namespace actorspec::tbb_backend

#pragma once
// How the tbb backend carries a process across its own stack switches (a
// TBB worker resumes the process's Boost.Context fiber and the process
// switches back): the stackful toolkit's hooks (backends/stackful,
// switch_hooks.hpp), called around each switch in process_fiber.cpp.
//  - ThreadSanitizer: both of its switches are made on the worker side,
//    before the resume and after it returns: the process's last frames
//    return after it hands control back (Boost's entry code), and a switch
//    made on the process side would pop them off the worker's shadow stack.
//  - AddressSanitizer: the proper start/finish pair on both sides.
//  - C++ exception state: swapped on the worker side.

#include <cstddef>

#include "actorspec/stackful/switch_hooks.hpp"

namespace actorspec::tbb_backend {

// The per-process half of the bookkeeping above.
struct SwitchState {
  stackful::EhState eh;  // the process's exception state while it is switched out
#if defined(__SANITIZE_ADDRESS__)
  void* fake_stack = nullptr;            // ASan's fake frames of the process while switched out
  const void* worker_bottom = nullptr;   // the stack to return to, learnt on each switch in
  std::size_t worker_size = 0;
#endif
  void* tsan_fiber = nullptr;  // TSan builds
};

// Worker side: brackets one resume of a process stack [bottom, bottom+size).
class WorkerSwitch {
 public:
  WorkerSwitch(SwitchState& process, const void* stack_bottom, std::size_t stack_size);
  // Call when the process switched back (parked or ended).
  void returned(SwitchState& process);

 private:
  stackful::EhState worker_eh_;
  void* worker_fake_stack_ = nullptr;  // ASan builds
  void* worker_tsan_fiber_ = nullptr;  // TSan builds
};

// Process side: right after arriving on the process stack, and right before
// leaving it (for good when `ending`).
void arrived_on_process(SwitchState& process);
void leaving_process(SwitchState& process, bool ending);

// Lifetime of the sanitizer's per-process objects.
inline void process_created(SwitchState& process) { process.tsan_fiber = stackful::tsan_create_fiber(); }
inline void process_destroyed(SwitchState& process) {
  stackful::tsan_destroy_fiber(process.tsan_fiber);
  process.tsan_fiber = nullptr;
}

}  // namespace actorspec::tbb_backend

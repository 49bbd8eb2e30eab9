#include "context_switch.hpp"

#include <cxxabi.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace actorspec::tbb_backend {
namespace {

// libstdc++'s __cxa_eh_globals (libsupc++/unwind-cxx.h): the head of the
// caught-exception stack and the count of exceptions in flight. cxxabi.h
// declares the type but not its members.
struct EhGlobals {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};

// __cxa_get_globals is declared __attribute__((const)): the compiler may
// reuse one call's result for the rest of a function. This one is called
// only on the worker side, which never changes thread mid-function, and is
// kept out of line so no caller straddling a switch can inline it.
[[gnu::noinline]] EhGlobals& eh_globals() {
  return *reinterpret_cast<EhGlobals*>(abi::__cxa_get_globals());
}

}  // namespace

WorkerSwitch::WorkerSwitch(SwitchState& process, [[maybe_unused]] const void* stack_bottom,
                           [[maybe_unused]] std::size_t stack_size) {
  EhGlobals& eh = eh_globals();
  worker_caught_ = eh.caught_exceptions;
  worker_uncaught_ = eh.uncaught_exceptions;
  eh.caught_exceptions = process.caught_exceptions;
  eh.uncaught_exceptions = process.uncaught_exceptions;
#if defined(__SANITIZE_THREAD__)
  worker_tsan_fiber_ = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(process.tsan_fiber, 0);
#endif
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(&worker_fake_stack_, stack_bottom, stack_size);
#endif
}

void WorkerSwitch::returned(SwitchState& process) {
#if defined(__SANITIZE_THREAD__)
  __tsan_switch_to_fiber(worker_tsan_fiber_, 0);
#endif
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(worker_fake_stack_, nullptr, nullptr);
#endif
  EhGlobals& eh = eh_globals();
  process.caught_exceptions = eh.caught_exceptions;
  process.uncaught_exceptions = eh.uncaught_exceptions;
  eh.caught_exceptions = worker_caught_;
  eh.uncaught_exceptions = worker_uncaught_;
}

void arrived_on_process([[maybe_unused]] SwitchState& process) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(process.fake_stack, &process.worker_bottom, &process.worker_size);
#endif
}

void leaving_process([[maybe_unused]] SwitchState& process, [[maybe_unused]] bool ending) {
#if defined(__SANITIZE_ADDRESS__)
  // A null fake-stack slot tells ASan this stack is done and its fake
  // frames can go.
  __sanitizer_start_switch_fiber(ending ? nullptr : &process.fake_stack, process.worker_bottom, process.worker_size);
#endif
}

void process_created([[maybe_unused]] SwitchState& process) {
#if defined(__SANITIZE_THREAD__)
  process.tsan_fiber = __tsan_create_fiber(0);
#endif
}

void process_destroyed([[maybe_unused]] SwitchState& process) {
#if defined(__SANITIZE_THREAD__)
  if (process.tsan_fiber) __tsan_destroy_fiber(process.tsan_fiber);
  process.tsan_fiber = nullptr;
#endif
}

CreationSwitch::CreationSwitch([[maybe_unused]] SwitchState& process) {
#if defined(__SANITIZE_THREAD__)
  caller_tsan_fiber_ = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(process.tsan_fiber, 0);
#endif
}

CreationSwitch::~CreationSwitch() {
#if defined(__SANITIZE_THREAD__)
  __tsan_switch_to_fiber(caller_tsan_fiber_, 0);
#endif
}

}  // namespace actorspec::tbb_backend

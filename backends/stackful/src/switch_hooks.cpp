#include "actorspec/stackful/switch_hooks.hpp"

#include <pthread.h>

#include <cxxabi.h>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace actorspec::stackful {

// libstdc++'s __cxa_eh_globals (libsupc++/unwind-cxx.h): cxxabi.h declares
// the type but not its members.
struct EhGlobalsLayout {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};

namespace {

// __cxa_get_globals is declared __attribute__((const)): a compiler may reuse
// its result within one function, even across a fiber switch that moved us to
// another thread. Calling it from a function the optimiser cannot see into
// (noipa) forces a fresh lookup every time.
__attribute__((noipa)) EhGlobalsLayout* thread_eh_globals() noexcept {
  return reinterpret_cast<EhGlobalsLayout*>(abi::__cxa_get_globals());
}

}  // namespace

EhState take_thread_eh_state() noexcept { return exchange_thread_eh_state(EhState{}); }

void restore_thread_eh_state(const EhState& state) noexcept { (void)exchange_thread_eh_state(state); }

EhState exchange_thread_eh_state(const EhState& state) noexcept {
  EhGlobalsLayout* g = thread_eh_globals();
  const EhState out{g->caught_exceptions, g->uncaught_exceptions};
  g->caught_exceptions = state.caught_exceptions;
  g->uncaught_exceptions = state.uncaught_exceptions;
  return out;
}

StackBounds thread_stack_bounds() {
  StackBounds out;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &out.bottom, &out.size);
    pthread_attr_destroy(&attr);
  }
  return out;
}

void now_running_on([[maybe_unused]] StackBounds stack) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(nullptr, stack.bottom, stack.size);
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
}

void start_switch([[maybe_unused]] void** fake_stack_save, [[maybe_unused]] const void* to_bottom,
                  [[maybe_unused]] std::size_t to_size) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fake_stack_save, to_bottom, to_size);
#endif
}

void finish_switch([[maybe_unused]] void* fake_stack, [[maybe_unused]] const void** old_bottom,
                   [[maybe_unused]] std::size_t* old_size) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#endif
}

void forget_stack_shadow([[maybe_unused]] StackBounds stack) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  __asan_unpoison_memory_region(stack.bottom, stack.size);
#endif
}

#if defined(__SANITIZE_THREAD__)
void* tsan_current_fiber() noexcept { return __tsan_get_current_fiber(); }
void* tsan_create_fiber() noexcept { return __tsan_create_fiber(0); }
void tsan_destroy_fiber(void* fiber) noexcept {
  if (fiber) __tsan_destroy_fiber(fiber);
}
ACTORSPEC_NO_TSAN void tsan_switch_to_fiber(void* fiber) noexcept { __tsan_switch_to_fiber(fiber, 0); }
ACTORSPEC_NO_TSAN CreationSwitch::CreationSwitch(void* new_tsan_fiber) noexcept : caller_(__tsan_get_current_fiber()) {
  if (new_tsan_fiber) __tsan_switch_to_fiber(new_tsan_fiber, 0);
}
ACTORSPEC_NO_TSAN CreationSwitch::~CreationSwitch() { __tsan_switch_to_fiber(caller_, 0); }
#else
void* tsan_current_fiber() noexcept { return nullptr; }
void* tsan_create_fiber() noexcept { return nullptr; }
void tsan_destroy_fiber(void*) noexcept {}
void tsan_switch_to_fiber(void*) noexcept {}
CreationSwitch::CreationSwitch(void*) noexcept {}
CreationSwitch::~CreationSwitch() {}
#endif

}  // namespace actorspec::stackful

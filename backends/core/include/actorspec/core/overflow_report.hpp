#pragma once
// Stack-overflow reports that name the process (SPEC RT-17). Every backend
// gives each process stack a guard page below it (pthread's own, or one the
// backend installs); an overflow faults there. A SIGSEGV/SIGBUS handler,
// running on an alternate signal stack (the faulting one is full), checks
// whether the fault address lies in the guard of the stack the thread is
// running and, if so, prints which process overflowed and aborts. Any other
// fault goes on to the handler installed before (a sanitizer's) or the
// default action.

#include <cstddef>

#include "actorspec/core/executor.hpp"

namespace actorspec::core {

// Call on every thread that will run processes, before it runs one:
// installs the handler (once per program) and an alternate signal stack
// (once per thread; freed at thread exit). Cheap after the first call.
void prepare_overflow_reports() noexcept;

// Call after each switch onto a process: `process` now runs on this thread,
// on a stack whose lowest usable byte is `usable_bottom`, with its guard
// page(s) in the `guard_size` bytes below. Pass nullptr when no process runs.
void running_on_stack(const Schedulable* process, const char* backend, const void* usable_bottom,
                      std::size_t usable_size, std::size_t guard_size) noexcept;

}  // namespace actorspec::core

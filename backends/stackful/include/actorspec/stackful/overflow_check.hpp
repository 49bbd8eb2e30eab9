#pragma once
// The one stack-overflow check of the stackful backends. Where the kernel
// has guard regions (StackPool::guard_regions) an overflow faults in the
// guard page below the stack and core/overflow_report, told by running_on
// which stack is current, names the process (SPEC RT-17). Elsewhere a canary
// above that page, checked at every park and at the end, stands in.

#include "actorspec/core/executor.hpp"
#include "actorspec/stackful/stack.hpp"

namespace actorspec::stackful {

// Call after every switch onto a process (`stack` as the pool handed it
// out, guard page included); `backend` names the backend in the report.
void running_on(const core::Schedulable* process, const char* backend, StackBounds stack) noexcept;

// Call at every park and when the process ends (its state may be gone by
// then, so the report names the backend and the size, not the process).
// Without guard regions: aborts with a report if the canary was overwritten.
void check_stack(const char* backend, StackBounds stack) noexcept;

// Writes the canary (StackPool does, on kernels without guard regions).
void arm_canary(StackBounds stack) noexcept;

}  // namespace actorspec::stackful

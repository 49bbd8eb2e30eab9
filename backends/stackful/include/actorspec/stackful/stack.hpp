#pragma once
// A process stack as the stackful backends see it, and the one default size.

#include <cstddef>

namespace actorspec::stackful {

// Where a stack lies: [bottom, bottom + size), its guard page included.
struct StackBounds {
  void* bottom = nullptr;  // lowest address
  std::size_t size = 0;
};

// Usable bytes per process stack when RuntimeOptions::stack_size is 0. A
// process body is a loop around receive, not a deep recursion; 128 KiB
// leaves room for formatting, exceptions and test assertions. Only the
// pages a process touches cost memory. Sanitizer builds use bigger frames.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr std::size_t kDefaultStackSize = 512 * 1024;
#else
inline constexpr std::size_t kDefaultStackSize = 128 * 1024;
#endif

}  // namespace actorspec::stackful

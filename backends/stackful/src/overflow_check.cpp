#include "actorspec/stackful/overflow_check.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "actorspec/core/overflow_report.hpp"
#include "actorspec/stackful/stack_pool.hpp"

namespace actorspec::stackful {
namespace {

constexpr std::uint64_t kCanary = 0xF1BE5C0DEDCA11EDull;
constexpr std::size_t kCanaryWords = 8;

// Right above the guard page: the lowest words a process may use.
char* canary_of(StackBounds stack) { return static_cast<char*>(stack.bottom) + StackPool::guard_size(); }

}  // namespace

void running_on(const core::Schedulable* process, const char* backend, StackBounds stack) noexcept {
  const std::size_t page = StackPool::guard_size();
  core::running_on_stack(process, backend, static_cast<char*>(stack.bottom) + page, stack.size - page,
                         StackPool::guard_regions() ? page : 0);
}

void arm_canary(StackBounds stack) noexcept {
  char* p = canary_of(stack);
  for (std::size_t i = 0; i < kCanaryWords; ++i) std::memcpy(p + i * sizeof kCanary, &kCanary, sizeof kCanary);
}

void check_stack(const char* backend, StackBounds stack) noexcept {
  if (StackPool::guard_regions()) return;  // the guard page faults first
  const char* p = canary_of(stack);
  for (std::size_t i = 0; i < kCanaryWords; ++i) {
    std::uint64_t word;
    std::memcpy(&word, p + i * sizeof word, sizeof word);
    if (word == kCanary) continue;
    std::fprintf(stderr,
                 "actorspec %s backend: a process overflowed its %zu-byte stack; "
                 "give it more with RuntimeOptions::stack_size\n",
                 backend, stack.size - StackPool::guard_size());
    std::abort();
  }
}

}  // namespace actorspec::stackful

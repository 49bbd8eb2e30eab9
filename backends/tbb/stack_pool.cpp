#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102  // Linux 6.13 uapi; older glibc headers lack it
#endif

namespace actorspec::tbb_backend {
namespace {

constexpr std::uint64_t kCanary = 0xac7025bec5a11a5eULL;
// Freed stacks beyond this many keep only their address space: the kernel
// takes their pages back, so a burst of processes does not pin its peak RSS.
constexpr std::size_t kWarmStacks = 256;
constexpr std::size_t kMaxSlabStacks = 1024;

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_to_pages(std::size_t bytes) {
  const std::size_t page = page_size();
  return (bytes + page - 1) / page * page;
}

// Tries the guard region on one page of a throwaway mapping, once.
bool probe_guard_pages() {
  const std::size_t page = page_size();
  void* p = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  const bool ok = madvise(p, page, MADV_GUARD_INSTALL) == 0;
  munmap(p, 2 * page);
  return ok;
}

}  // namespace

// The guard page comes on top of what was asked for.
StackPool::StackPool(std::size_t stack_bytes) : stack_size_(round_to_pages(stack_bytes) + page_size()) {}

std::size_t StackPool::guard_size() { return page_size(); }

StackPool::~StackPool() {
  for (auto& [base, bytes] : slabs_) munmap(base, bytes);
}

bool StackPool::guard_pages_supported() {
  static const bool supported = probe_guard_pages();
  return supported;
}

void StackPool::arm_canary(void* stack) {
  std::memcpy(static_cast<char*>(stack) + page_size(), &kCanary, sizeof kCanary);
}

bool StackPool::canary_intact(const void* stack) {
  std::uint64_t word;
  std::memcpy(&word, static_cast<const char*>(stack) + page_size(), sizeof word);
  return word == kCanary;
}

void StackPool::grow() {
  const std::size_t count = next_slab_stacks_;
  const std::size_t bytes = count * stack_size_;
  // NORESERVE: untouched stack pages cost neither memory nor commit charge.
  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  slabs_.emplace_back(base, bytes);
  if (next_slab_stacks_ < kMaxSlabStacks) next_slab_stacks_ *= 2;
  const bool guard = guard_pages_supported();
  free_.reserve(free_.size() + count);
  for (std::size_t i = count; i-- > 0;) {
    char* stack = static_cast<char*>(base) + i * stack_size_;
    // Stacks grow down: the guard sits at the lowest page of each.
    if (guard) madvise(stack, page_size(), MADV_GUARD_INSTALL);
    free_.push_back(stack);
  }
}

void* StackPool::acquire() {
  void* stack;
  {
    std::lock_guard lock(mu_);
    if (free_.empty()) grow();
    stack = free_.back();
    free_.pop_back();
  }
  arm_canary(stack);
  return stack;
}

void StackPool::release(void* stack) {
#if defined(__SANITIZE_ADDRESS__)
  // Frames that never returned (the fiber's entry) leave poisoned redzones.
  __asan_unpoison_memory_region(stack, stack_size_);
#endif
  {
    std::lock_guard lock(mu_);
    if (free_.size() < kWarmStacks) {
      free_.push_back(stack);
      return;
    }
  }
  // Before it is published: once in free_ another thread may take it. The
  // guard page survives MADV_DONTNEED.
  madvise(static_cast<char*>(stack) + page_size(), stack_size_ - page_size(), MADV_DONTNEED);
  std::lock_guard lock(mu_);
  free_.push_back(stack);
}

}  // namespace actorspec::tbb_backend

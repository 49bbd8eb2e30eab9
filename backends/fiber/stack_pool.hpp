#pragma once
// Fiber stacks, carved from large mappings and recycled. One mmap per
// stack would cost a system call per spawn and, with a guard page, two
// kernel memory areas per process: 100,000 parked processes would pass
// vm.max_map_count (65530 by default). Here a chunk of many stacks is one
// area. Each stack's lowest page is a guard region (MADV_GUARD_INSTALL,
// Linux 6.13+), which faults on overflow without splitting the area; the
// fault is reported by core/overflow_report. A canary above it (checked
// when the process parks and when it ends) is the fallback on older kernels.
// A few freed stacks are kept as they are, ready for the next spawn; past
// that, a freed stack's pages go back to the system, so a burst of many
// processes does not leave its memory behind once they end.

#include <boost/context/stack_context.hpp>

#include <cstddef>
#include <mutex>
#include <vector>

#include "switch_hooks.hpp"

namespace actorspec::fiber_backend {

class StackPool {
 public:
  // `stack_size` is rounded up to whole pages; a guard page is added.
  explicit StackPool(std::size_t stack_size);
  ~StackPool();  // unmaps every chunk: all stacks must be back by then
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  std::size_t stack_size() const { return stack_size_; }

  // Thread-safe. Throws std::bad_alloc when the system refuses memory.
  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& sctx) noexcept;

  // False if the bottom of the stack was overwritten (a stack overflow).
  static bool canary_intact(StackBounds stack) noexcept;

  // Bytes of guard region at the bottom of every stack: a page, or 0 where
  // the kernel has no guard regions.
  static std::size_t guard_size();

  static StackBounds bounds_of(const boost::context::stack_context& sctx) noexcept;

 private:
  void add_chunk_locked();

  // Freed stacks kept warm: about 8 MiB of the default 128 KiB stacks'
  // virtual size, and only the pages they touched are resident.
  static constexpr std::size_t kWarmStacks = 64;
  // Pages go back in batches: one madvise per run of adjacent stacks, since
  // each call costs a TLB shootdown on every core running a worker.
  static constexpr std::size_t kReleaseBatch = 128;

  const std::size_t stack_size_;
  const std::size_t stacks_per_chunk_;
  std::mutex mu_;
  std::vector<void*> warm_;   // mu_: freed stacks with their pages still in memory (bottoms)
  std::vector<void*> to_release_;  // mu_: freed beyond warm_, pages not given back yet
  std::vector<void*> cold_;   // mu_: stacks whose pages were never touched or were given back
  std::size_t total_ = 0;     // mu_: stacks in all chunks
  std::vector<std::pair<void*, std::size_t>> chunks_;  // mu_
};

// The StackAllocator Boost.Context asks for: a copyable handle to a pool
// that also reports where the stack it handed out lies.
class PooledStack {
 public:
  PooledStack(StackPool& pool, StackBounds* allocated) : pool_(&pool), allocated_(allocated) {}

  boost::context::stack_context allocate() {
    auto sctx = pool_->allocate();
    if (allocated_) *allocated_ = StackPool::bounds_of(sctx);
    allocated_ = nullptr;  // only meaningful during the one allocation
    return sctx;
  }
  void deallocate(boost::context::stack_context& sctx) noexcept { pool_->deallocate(sctx); }

 private:
  StackPool* pool_;
  StackBounds* allocated_;
};

}  // namespace actorspec::fiber_backend

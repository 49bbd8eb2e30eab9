#pragma once
// Process stacks for one runtime, carved from a few large mappings and
// recycled.
//
// - Few memory areas: a mapping per stack would cost one or more entries of
//   vm.max_map_count (65530) per process; chunks of many stacks (doubling up
//   to kMaxChunkStacks) keep the map count flat.
// - A guard page at the bottom of every stack: a kernel guard region
//   (MADV_GUARD_INSTALL, Linux 6.13+) that faults without splitting the
//   mapping; core/overflow_report names the process that hit it. On older
//   kernels the page is an ordinary one and a canary right above it stands in
//   (overflow_check.hpp). Only there: on a kernel with guard regions nothing
//   writes to the bottom of a stack, so an idle process touches only the top.
// - Warm reuse: a freed stack keeps its pages and goes to the freeing
//   worker's own cache (no lock), then in batches to the shared free list.
//   Pages go back to the kernel (MADV_DONTNEED) only for free stacks above a
//   high-water mark, a batch at a time: each such call is a TLB shootdown on
//   every core running a worker (flush_tlb_multi), which made every process
//   end cost microseconds when it was done per release.

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "actorspec/stackful/stack.hpp"

namespace actorspec::stackful {

class StackPool {
 public:
  // For allocate/deallocate called on a thread that has no cache of its own.
  static constexpr unsigned kNoCache = static_cast<unsigned>(-1);

  // `usable_bytes` is rounded up to whole pages; a guard page is added
  // below. `caches`: how many per-worker caches (worker indexes 0..caches-1).
  StackPool(std::size_t usable_bytes, unsigned caches);
  ~StackPool();  // unmaps every chunk: every stack must be back by then
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  // Bytes per stack, the guard page included.
  std::size_t stack_size() const { return stack_size_; }
  // Bytes a process may use: stack_size() - guard_size().
  std::size_t usable_size() const { return stack_size_ - guard_size(); }
  // The lowest page of every stack, below the usable part.
  static std::size_t guard_size();
  // Whether that page is a kernel guard region (else the canary guards it).
  static bool guard_regions();

  // `cache`: the calling worker's index, or kNoCache; a cache is used by one
  // thread at a time. Throws std::bad_alloc when the system refuses memory.
  StackBounds allocate(unsigned cache);
  void deallocate(void* bottom, unsigned cache) noexcept;

 private:
  struct alignas(64) Cache {
    std::vector<void*> stacks;  // bottoms, most recently freed last
  };
  static constexpr std::size_t kCacheMax = 64;      // per worker
  static constexpr std::size_t kCacheRefill = 32;   // moved at once between a cache and the shared list
  static constexpr std::size_t kReleaseBatch = 256;  // stacks per MADV_DONTNEED round
  static constexpr std::size_t kMaxChunkStacks = 1024;

  void take_shared(std::vector<void*>& into, std::size_t n);  // mu_ held
  void give_shared(void* const* stacks, std::size_t n) noexcept;
  void add_chunk_locked();
  void prepare(void* bottom) const noexcept;

  const std::size_t stack_size_;
  const std::size_t high_water_;  // free stacks kept warm in the shared list
  std::unique_ptr<Cache[]> caches_;
  const unsigned cache_count_;

  std::mutex mu_;
  std::vector<void*> warm_;        // mu_: free, pages kept
  std::vector<void*> to_release_;  // mu_: free beyond the high-water mark, pages not given back yet
  std::vector<void*> cold_;        // mu_: free, pages never touched or given back
  std::vector<std::pair<void*, std::size_t>> chunks_;  // mu_
  std::size_t next_chunk_stacks_ = 16;                 // mu_: doubles per chunk
};

}  // namespace actorspec::stackful

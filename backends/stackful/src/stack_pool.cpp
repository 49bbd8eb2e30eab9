#include "actorspec/stackful/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <new>

#include "actorspec/stackful/overflow_check.hpp"
#include "actorspec/stackful/switch_hooks.hpp"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102  // Linux 6.13 uapi; older glibc headers lack it
#endif

namespace actorspec::stackful {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_to_pages(std::size_t n) {
  const std::size_t p = page_size();
  return (n + p - 1) / p * p;
}

// Tries a guard region on a throwaway mapping, once.
bool probe_guard_regions() {
  const std::size_t page = page_size();
  void* p = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  const bool ok = ::madvise(p, page, MADV_GUARD_INSTALL) == 0;
  ::munmap(p, 2 * page);
  return ok;
}

// Free stacks the shared list keeps warm: 256 MiB of virtual stack, of
// which only the pages processes touched are resident (one or two for a
// process that waited in receive).
std::size_t high_water(std::size_t stack_size) {
  const std::size_t n = (std::size_t{256} << 20) / stack_size;
  return n < 64 ? 64 : n;
}

}  // namespace

std::size_t StackPool::guard_size() { return page_size(); }

bool StackPool::guard_regions() {
  static const bool supported = probe_guard_regions();
  return supported;
}

StackPool::StackPool(std::size_t usable_bytes, unsigned caches)
    : stack_size_(round_to_pages(usable_bytes) + guard_size()),
      high_water_(high_water(stack_size_)),
      caches_(std::make_unique<Cache[]>(caches)),
      cache_count_(caches) {
  // A cache never grows past kCacheMax, so deallocate never allocates.
  for (unsigned i = 0; i < caches; ++i) caches_[i].stacks.reserve(kCacheMax);
}

StackPool::~StackPool() {
  for (auto& [base, size] : chunks_) ::munmap(base, size);
}

void StackPool::add_chunk_locked() {
  const std::size_t count = next_chunk_stacks_;
  const std::size_t bytes = count * stack_size_;
  // NORESERVE: untouched stack pages cost neither memory nor commit charge.
  void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  std::size_t total = 0;
  for (const auto& c : chunks_) total += c.second / stack_size_;
  total += count;
  try {
    chunks_.emplace_back(base, bytes);
    // Room for every stack in every list, so giving stacks back never allocates.
    warm_.reserve(total);
    to_release_.reserve(total);
    cold_.reserve(total);
  } catch (...) {
    if (!chunks_.empty() && chunks_.back().first == base) chunks_.pop_back();
    ::munmap(base, bytes);
    throw;
  }
  if (next_chunk_stacks_ < kMaxChunkStacks) next_chunk_stacks_ *= 2;
  // Handed out from the low end up (cold_ is a stack). The guard region
  // survives MADV_DONTNEED.
  const bool guard = guard_regions();
  for (std::size_t i = count; i-- > 0;) {
    char* stack = static_cast<char*>(base) + i * stack_size_;
    if (guard) ::madvise(stack, guard_size(), MADV_GUARD_INSTALL);
    cold_.push_back(stack);
  }
}

void StackPool::take_shared(std::vector<void*>& into, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<void*>* from = !warm_.empty() ? &warm_ : !to_release_.empty() ? &to_release_ : &cold_;
    if (from->empty()) {
      if (i > 0) return;  // some is enough
      add_chunk_locked();
      from = &cold_;
    }
    into.push_back(from->back());
    from->pop_back();
  }
}

void StackPool::prepare(void* bottom) const noexcept {
  if (!guard_regions()) arm_canary(StackBounds{bottom, stack_size_});
}

StackBounds StackPool::allocate(unsigned cache) {
  void* bottom;
  if (cache < cache_count_) {
    std::vector<void*>& mine = caches_[cache].stacks;
    if (mine.empty()) {
      std::lock_guard lock(mu_);
      take_shared(mine, kCacheRefill);
    }
    bottom = mine.back();
    mine.pop_back();
  } else {
    std::vector<void*> one;
    one.reserve(1);
    {
      std::lock_guard lock(mu_);
      take_shared(one, 1);
    }
    bottom = one.back();
  }
  prepare(bottom);
  return StackBounds{bottom, stack_size_};
}

void StackPool::deallocate(void* bottom, unsigned cache) noexcept {
  // Frames that never returned (a fiber's entry) leave poisoned redzones.
  forget_stack_shadow(StackBounds{bottom, stack_size_});
  if (cache >= cache_count_) {
    give_shared(&bottom, 1);
    return;
  }
  std::vector<void*>& mine = caches_[cache].stacks;
  if (mine.size() == kCacheMax) {
    // The oldest half goes; the most recently used (warmest) stay.
    give_shared(mine.data(), kCacheRefill);
    mine.erase(mine.begin(), mine.begin() + kCacheRefill);
  }
  mine.push_back(bottom);
}

void StackPool::give_shared(void* const* stacks, std::size_t n) noexcept {
  std::array<void*, kReleaseBatch> batch;
  bool release = false;
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < n; ++i) (warm_.size() < high_water_ ? warm_ : to_release_).push_back(stacks[i]);
    if (to_release_.size() >= kReleaseBatch) {
      std::copy(to_release_.end() - kReleaseBatch, to_release_.end(), batch.begin());
      to_release_.resize(to_release_.size() - kReleaseBatch);
      release = true;
    }
  }
  if (!release) return;
  // Outside the lock: system calls, one per run of adjacent stacks. The
  // ranges stay mapped and read as zeros when touched again.
  std::sort(batch.begin(), batch.end());
  for (std::size_t i = 0; i < batch.size();) {
    std::size_t j = i + 1;
    while (j < batch.size() && static_cast<char*>(batch[j - 1]) + stack_size_ == batch[j]) ++j;
    ::madvise(batch[i], (j - i) * stack_size_, MADV_DONTNEED);
    i = j;
  }
  std::lock_guard lock(mu_);
  cold_.insert(cold_.end(), batch.begin(), batch.end());
}

}  // namespace actorspec::stackful

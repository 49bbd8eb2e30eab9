#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <new>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102  // Linux 6.13 uapi; older glibc headers lack it
#endif

namespace actorspec::fiber_backend {
namespace {

constexpr std::size_t kCanaryWords = 8;
constexpr std::uint64_t kCanary = 0xF1BE5C0DEDCA11EDull;

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_to_pages(std::size_t n) {
  const std::size_t p = page_size();
  return (n + p - 1) / p * p;
}

// About 2 MiB per chunk: few memory areas, little waste for a small pool.
std::size_t stacks_per_chunk(std::size_t stack_size) {
  const std::size_t n = (std::size_t{2} << 20) / stack_size;
  return n < 4 ? 4 : n;
}

// Tries a guard region on a throwaway mapping, once.
bool probe_guard_pages() {
  const std::size_t page = page_size();
  void* p = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  const bool ok = ::madvise(p, page, MADV_GUARD_INSTALL) == 0;
  ::munmap(p, 2 * page);
  return ok;
}

// The canary sits right above the guard page (or at the very bottom).
std::uint64_t* canary_of(void* bottom) {
  return reinterpret_cast<std::uint64_t*>(static_cast<char*>(bottom) + StackPool::guard_size());
}

void write_canary(void* bottom) {
  auto* w = canary_of(bottom);
  for (std::size_t i = 0; i < kCanaryWords; ++i) w[i] = kCanary;
}

}  // namespace

std::size_t StackPool::guard_size() {
  static const std::size_t size = probe_guard_pages() ? page_size() : 0;
  return size;
}

StackPool::StackPool(std::size_t stack_size)
    // The guard page comes on top of what was asked for.
    : stack_size_(round_to_pages(stack_size) + guard_size()), stacks_per_chunk_(stacks_per_chunk(stack_size_)) {
  warm_.reserve(kWarmStacks);
  to_release_.reserve(kReleaseBatch);
}

StackPool::~StackPool() {
  for (auto& [base, size] : chunks_) ::munmap(base, size);
}

void StackPool::add_chunk_locked() {
  const std::size_t bytes = stack_size_ * stacks_per_chunk_;
  // NORESERVE: only the pages a fiber touches cost memory.
  void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  try {
    chunks_.emplace_back(base, bytes);
    // Room for every stack, so deallocate never allocates.
    cold_.reserve(total_ + stacks_per_chunk_);
  } catch (...) {
    ::munmap(base, bytes);
    throw;
  }
  total_ += stacks_per_chunk_;
  // Handed out from the top of the chunk down (cold_ is a stack). Each
  // stack's lowest page is a guard region: one that faults without
  // splitting the mapping, so the map count stays flat. It survives
  // MADV_DONTNEED.
  const std::size_t guard = guard_size();
  for (std::size_t i = 0; i < stacks_per_chunk_; ++i) {
    char* stack = static_cast<char*>(base) + i * stack_size_;
    if (guard) ::madvise(stack, guard, MADV_GUARD_INSTALL);
    cold_.push_back(stack);
  }
}

boost::context::stack_context StackPool::allocate() {
  void* bottom;
  {
    std::lock_guard lock(mu_);
    if (!warm_.empty()) {
      bottom = warm_.back();
      warm_.pop_back();
    } else if (!to_release_.empty()) {
      bottom = to_release_.back();
      to_release_.pop_back();
    } else {
      if (cold_.empty()) add_chunk_locked();
      bottom = cold_.back();
      cold_.pop_back();
    }
  }
  write_canary(bottom);
  boost::context::stack_context sctx;
  sctx.size = stack_size_;
  sctx.sp = static_cast<char*>(bottom) + stack_size_;
  return sctx;
}

void StackPool::deallocate(boost::context::stack_context& sctx) noexcept {
  const StackBounds b = bounds_of(sctx);
  forget_stack_shadow(b);
  std::array<void*, kReleaseBatch> batch;
  {
    std::lock_guard lock(mu_);
    if (warm_.size() < kWarmStacks) {
      warm_.push_back(b.bottom);
      return;
    }
    to_release_.push_back(b.bottom);
    if (to_release_.size() < kReleaseBatch) return;
    std::copy(to_release_.begin(), to_release_.end(), batch.begin());
    to_release_.clear();
  }
  // Outside the lock: system calls. The ranges stay mapped and read as
  // zeros when touched again.
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

bool StackPool::canary_intact(StackBounds stack) noexcept {
  const auto* w = canary_of(stack.bottom);
  for (std::size_t i = 0; i < kCanaryWords; ++i)
    if (w[i] != kCanary) return false;
  return true;
}

StackBounds StackPool::bounds_of(const boost::context::stack_context& sctx) noexcept {
  return StackBounds{static_cast<char*>(sctx.sp) - sctx.size, sctx.size};
}

}  // namespace actorspec::fiber_backend

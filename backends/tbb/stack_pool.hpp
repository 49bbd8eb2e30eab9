#pragma once
// Process stacks for one runtime, carved from a few large mappings and
// recycled. A mapping per stack would cost one or more entries of
// vm.max_map_count (65530) per process and cap how many processes can wait at
// once; slabs keep the map count flat however many processes there are.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace actorspec::tbb_backend {

class StackPool {
 public:
  // `stack_bytes` (usable) is rounded up to whole pages; a guard page is
  // added below.
  explicit StackPool(std::size_t stack_bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  // Lowest address of a stack of stack_size() bytes. Throws std::bad_alloc.
  void* acquire();
  // Gives a stack back; any thread.
  void release(void* stack);

  // Bytes per stack, the guard page included.
  std::size_t stack_size() const { return stack_size_; }
  // The lowest page of each stack: a guard region where supported, else
  // an ordinary page topped by the canary.
  static std::size_t guard_size();

  // Whether stacks end in a kernel guard region (MADV_GUARD_INSTALL, Linux
  // 6.13+): one that faults on overflow without splitting the mapping. On
  // older kernels only the canary word below stands in.
  static bool guard_pages_supported();

  // The lowest word a process may use, above the guard page: it holds a
  // canary that deep recursion overwrites.
  static void arm_canary(void* stack);
  static bool canary_intact(const void* stack);

 private:
  void grow();  // mu_

  const std::size_t stack_size_;
  std::mutex mu_;
  std::vector<void*> free_;                              // mu_
  std::vector<std::pair<void*, std::size_t>> slabs_;     // mu_
  std::size_t next_slab_stacks_ = 16;                    // mu_: doubles per slab
};

}  // namespace actorspec::tbb_backend

#pragma once
// The process table and the object pool in one: every process object lives
// in a slot for the runtime's whole life, and a pid names its slot.
//
// A pid is (serial << kSlotBits) | slot. The serial comes from one counter
// shared by every runtime in the program, so a pid is never reused and never
// names a process of another runtime (SPEC RT-15); the slot makes a lookup an
// index, not a search. A lookup takes no lock: it checks that the slot still
// serves that pid, takes a reference on the object unless nobody holds it
// any more, and checks again (the object may have been recycled for another
// process in between). So a send is this lookup and one lock-free push.
//
// Objects are never freed while the runtime lives: a Process& a body let
// escape stays safe to call after its process ended (every process-only call
// throws NotInProcess: SPEC ERR-12), and the memory kept is that of the most
// processes ever alive at once. Unused objects wait in lock-free free lists,
// a few of them, so spawns and ends on different threads do not all meet on
// one word.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "actorspec/pid.hpp"
#include "process_ptr.hpp"
#include "process_state.hpp"

namespace actorspec::core {

class Node;

class ProcessTable {
 public:
  // 16.7 million objects at once; 2^40 spawns before the pids run out.
  static constexpr unsigned kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;

  explicit ProcessTable(Node& node) : node_(node) {}
  ~ProcessTable();
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Which of a few per-thread structures (free lists, counters) the
  // calling thread uses: threads are spread over them in the order they
  // first ask.
  static std::size_t thread_shard() noexcept;

  // An object readied for a new process with a fresh pid, held by the
  // returned reference; not findable until insert. Throws std::bad_alloc,
  // or SystemLimit when the slots or the pids are used up.
  ProcessPtr acquire(Body body);
  // Makes `p` findable by its pid; the table holds a reference until erase.
  // Sequentially consistent, for Node's admission of spawns during shutdown.
  void insert(ProcessState& p) noexcept;
  // find(p.pid()) fails from now on; drops the table's reference.
  void erase(ProcessState& p) noexcept;
  // The process `pid` names, while it is in the table; else empty.
  ProcessPtr find(Pid pid) const noexcept;
  // Retires an object nothing references and returns it to a free list.
  void release(ProcessState* p) noexcept;

  // Calls f(ProcessPtr) for every process in the table (shutdown's sweep).
  // Sequentially consistent loads: see insert.
  template <class F>
  void for_each(F&& f) const {
    const std::uint32_t n = count_.load(std::memory_order_seq_cst);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint64_t id = slot(i).pid.load(std::memory_order_seq_cst);
      if (id == 0) continue;
      if (ProcessPtr p = find(Pid(id))) f(std::move(p));
    }
  }

 private:
  struct Slot {
    Slot(Node& node, std::uint8_t shard) : process(node, shard) {}
    std::atomic<std::uint64_t> pid{0};        // the pid it serves while in the table, else 0
    std::atomic<std::uint32_t> next_free{0};  // free list link: index + 1, 0 ends the list
    ProcessState process;
  };

  // Segment s holds kFirstSegment << s slots, allocated when first needed
  // and never moved, so a slot's address is fixed without a lock.
  static constexpr std::uint32_t kFirstSegment = 256;
  static constexpr unsigned kFirstSegmentBits = 8;
  static constexpr std::size_t kSegments = kSlotBits - kFirstSegmentBits + 1;
  static constexpr std::uint32_t kMaxSlots = std::uint32_t{1} << kSlotBits;
  // Objects made at once when the pool is empty: one lock for a batch.
  static constexpr std::uint32_t kGrowBatch = 32;

  // A free list: a Treiber stack of slot indices with an ABA tag.
  // Word: (tag << 32) | (index + 1); index + 1 == 0 is the empty list.
  static constexpr std::size_t kFreeLists = 8;
  struct alignas(64) FreeList {
    std::atomic<std::uint64_t> head{0};
  };

  Slot& slot(std::uint32_t index) const noexcept;
  // The popped slot's index + 1, or 0 if the list is empty.
  std::uint32_t pop_free(std::size_t list) noexcept;
  void push_free(std::size_t list, std::uint32_t index) noexcept;
  // Makes up to kGrowBatch new objects; returns one's index, frees the
  // others into `list`.
  std::uint32_t grow(std::size_t list);

  Node& node_;
  std::array<FreeList, kFreeLists> free_;
  std::mutex grow_mu_;
  std::array<std::atomic<Slot*>, kSegments> segments_{};  // set under grow_mu_
  std::atomic<std::uint32_t> count_{0};                   // slots made; each set under grow_mu_
};

}  // namespace actorspec::core

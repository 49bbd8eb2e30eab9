#include "process_table.hpp"

#include <algorithm>
#include <bit>
#include <new>
#include <string>

#include "actorspec/errors.hpp"

namespace actorspec::core {
namespace {

// Shared by every runtime in the program (see process_table.hpp).
std::atomic<std::uint64_t> next_serial{1};
constexpr std::uint64_t kMaxSerial = (std::uint64_t{1} << (64 - ProcessTable::kSlotBits)) - 1;

constexpr std::uint64_t kIndexMask = 0xffff'ffffu;

}  // namespace

std::size_t ProcessTable::thread_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine;
}

ProcessTable::~ProcessTable() {
  const std::uint32_t n = count_.load(std::memory_order_acquire);
  for (std::uint32_t i = 0; i < n; ++i) slot(i).~Slot();
  for (std::size_t s = 0; s < kSegments; ++s)
    if (Slot* seg = segments_[s].load(std::memory_order_relaxed))
      ::operator delete(seg, std::align_val_t(alignof(Slot)));
}

ProcessTable::Slot& ProcessTable::slot(std::uint32_t index) const noexcept {
  const std::uint32_t v = index + kFirstSegment;
  const unsigned s = static_cast<unsigned>(std::bit_width(v)) - 1 - kFirstSegmentBits;
  return segments_[s].load(std::memory_order_relaxed)[v - (kFirstSegment << s)];
}

std::uint32_t ProcessTable::pop_free(std::size_t list) noexcept {
  auto& head = free_[list].head;
  std::uint64_t old = head.load(std::memory_order_acquire);
  while (old & kIndexMask) {
    const auto index = static_cast<std::uint32_t>((old & kIndexMask) - 1);
    Slot& s = slot(index);
    const std::uint64_t next = s.next_free.load(std::memory_order_relaxed);
    const std::uint64_t popped = (((old >> 32) + 1) << 32) | next;
    if (head.compare_exchange_weak(old, popped, std::memory_order_acquire, std::memory_order_acquire))
      return index + 1;
  }
  return 0;
}

void ProcessTable::push_free(std::size_t list, std::uint32_t index) noexcept {
  auto& head = free_[list].head;
  Slot& s = slot(index);
  std::uint64_t old = head.load(std::memory_order_relaxed);
  std::uint64_t pushed;
  do {
    s.next_free.store(static_cast<std::uint32_t>(old & kIndexMask), std::memory_order_relaxed);
    pushed = (((old >> 32) + 1) << 32) | (index + 1);
  } while (!head.compare_exchange_weak(old, pushed, std::memory_order_release, std::memory_order_relaxed));
}

std::uint32_t ProcessTable::grow(std::size_t list) {
  std::lock_guard lock(grow_mu_);
  // Another thread may have grown the pool meanwhile.
  for (std::size_t i = 0; i < kFreeLists; ++i)
    if (const std::uint32_t found = pop_free((list + i) % kFreeLists)) return found - 1;
  std::uint32_t n = count_.load(std::memory_order_relaxed);
  if (n >= kMaxSlots)
    throw SystemLimit("a runtime holds at most " + std::to_string(kMaxSlots) + " process objects at once");
  const std::uint32_t first = n;
  const std::uint32_t end = std::min(n + kGrowBatch, kMaxSlots);
  for (; n < end; ++n) {
    const std::uint32_t v = n + kFirstSegment;
    const unsigned s = static_cast<unsigned>(std::bit_width(v)) - 1 - kFirstSegmentBits;
    if (v == (kFirstSegment << s)) {  // first slot of segment s
      Slot* seg = nullptr;
      try {
        seg = static_cast<Slot*>(
            ::operator new(sizeof(Slot) * (std::size_t{kFirstSegment} << s), std::align_val_t(alignof(Slot))));
      } catch (const std::bad_alloc&) {
        if (n == first) throw;
        break;  // the objects made so far are enough for this spawn
      }
      segments_[s].store(seg, std::memory_order_release);
    }
    new (&slot(n)) Slot(node_, static_cast<std::uint8_t>(list));
    // Published one by one: a lookup never reads a slot not yet made.
    // Sequentially consistent, so shutdown's sweep (for_each), which reads
    // it after setting stopping_, counts every slot a start it must see
    // inserted into.
    count_.store(n + 1, std::memory_order_seq_cst);
    if (n != first) push_free(list, n);
  }
  return first;
}

ProcessPtr ProcessTable::acquire(Body body) {
  const std::size_t list = thread_shard() % kFreeLists;
  // Our list first, then the others, so the pool keeps only about the most
  // processes ever alive at once.
  std::uint32_t found = 0;
  for (std::size_t i = 0; i < kFreeLists && !found; ++i) found = pop_free((list + i) % kFreeLists);
  const std::uint32_t index = found ? found - 1 : grow(list);
  ProcessState& p = slot(index).process;
  const std::uint64_t serial = next_serial.fetch_add(1, std::memory_order_relaxed);
  if (serial > kMaxSerial) {
    push_free(p.pool_shard(), index);
    throw SystemLimit("the runtime has used up its process ids (2^40 spawns in this program)");
  }
  p.reuse(Pid((serial << kSlotBits) | index), std::move(body));
  return ProcessPtr(&p);
}

void ProcessTable::insert(ProcessState& p) noexcept {
  p.add_ref();  // the table's reference
  slot(static_cast<std::uint32_t>(p.pid().id() & kSlotMask)).pid.store(p.pid().id(), std::memory_order_seq_cst);
}

void ProcessTable::erase(ProcessState& p) noexcept {
  // Before the reference goes: a lookup that took a reference afterwards
  // sees the slot emptied and lets go (see find).
  slot(static_cast<std::uint32_t>(p.pid().id() & kSlotMask)).pid.store(0, std::memory_order_release);
  p.drop_ref();
}

ProcessPtr ProcessTable::find(Pid pid) const noexcept {
  const std::uint64_t id = pid.id();
  const auto index = static_cast<std::uint32_t>(id & kSlotMask);
  if (id == 0 || index >= count_.load(std::memory_order_acquire)) return {};
  Slot& s = slot(index);
  if (s.pid.load(std::memory_order_acquire) != id) return {};
  ProcessState& p = s.process;
  // Refused when nobody holds the object: it is free or being recycled.
  if (!p.try_add_ref()) return {};
  // The object may have been recycled for another process between the first
  // check and the reference. Taking the reference synchronised with the
  // drop that freed it, which came after erase emptied the slot, so this
  // load sees at least that.
  if (s.pid.load(std::memory_order_acquire) != id) {
    p.drop_ref();
    return {};
  }
  return ProcessPtr::adopt(&p);
}

void ProcessTable::release(ProcessState* p) noexcept {
  p->retire();
  push_free(p->pool_shard(), static_cast<std::uint32_t>(p->pid().id() & kSlotMask));
}

}  // namespace actorspec::core

#include "run_next.hpp"

namespace actorspec::tbb_backend {

RunNextSlots::RunNextSlots(unsigned slots, std::function<void(ProcessFiber&)> requeue)
    : slots_(slots),
      requeue_(std::move(requeue)),
      slot_(std::make_unique<Slot[]>(slots)),
      looks_(std::make_unique<Look[]>(slots)) {
  thread_ = std::thread([this] { watch(); });
}

RunNextSlots::~RunNextSlots() { stop(); }

ProcessFiber* RunNextSlots::put(unsigned slot, ProcessFiber& f) noexcept {
  Slot& s = slot_[slot];
  s.fills.store(s.fills.load(std::memory_order_relaxed) + 1, std::memory_order_seq_cst);
  ProcessFiber* displaced = s.fiber.exchange(&f, std::memory_order_seq_cst);
  // Stored, then looked: the reverse of watch(), which announces deep_ and
  // then looks at the slots. Once per quiet spell.
  if (deep_.load(std::memory_order_seq_cst)) {
    std::lock_guard lock(mu_);
    deep_.store(false, std::memory_order_seq_cst);
    wake_.notify_one();
  }
  return displaced;
}

void RunNextSlots::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void RunNextSlots::watch() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    bool used = false;  // a slot was filled since the last look, or is full
    for (unsigned i = 0; i < slots_; ++i) {
      Slot& s = slot_[i];
      Look& look = looks_[i];
      const std::uint32_t fills = s.fills.load(std::memory_order_seq_cst);
      ProcessFiber* f = s.fiber.load(std::memory_order_seq_cst);
      if (f != nullptr || fills != look.fills) used = true;
      if (f != nullptr && f == look.fiber && fills == look.fills &&
          s.fiber.compare_exchange_strong(f, nullptr, std::memory_order_acq_rel)) {
        // Waited a whole look for a waker that never switched out. Ours
        // now: nobody else queues it, so it is alive until queued.
        look = Look{};
        lock.unlock();
        requeue_(*f);
        lock.lock();
        continue;
      }
      look = Look{f, fills};
    }
    if (used) {
      wake_.wait_for(lock, kWatchEvery, [&] { return stopping_; });
      continue;
    }
    // Quiet: sleep until a put. Announced first, then one more look, so a
    // put that missed the announcement is seen here.
    deep_.store(true, std::memory_order_seq_cst);
    bool quiet = true;
    for (unsigned i = 0; i < slots_; ++i)
      if (slot_[i].fiber.load(std::memory_order_seq_cst) != nullptr ||
          slot_[i].fills.load(std::memory_order_seq_cst) != looks_[i].fills)
        quiet = false;
    if (quiet) wake_.wait(lock, [&] { return stopping_ || !deep_.load(std::memory_order_seq_cst); });
    deep_.store(false, std::memory_order_seq_cst);
  }
}

}  // namespace actorspec::tbb_backend

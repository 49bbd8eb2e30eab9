#pragma once
// A process's mailbox: the inbox any thread pushes into, the saved queue only
// its owner reads, and the owner's "parked" mark.
//
// The inbox is one atomic word, as CAF's lifo_inbox: a LIFO stack of message
// cells that a push extends with one CAS and the owner takes whole with one
// exchange, reversing it onto the saved queue. Reversing a whole batch keeps
// every sender's messages in send order (SPEC ORD-1): a sender's later push
// lies above its earlier one in the stack.
//
// The same word says "the owner is parked" (kParked) and "the process has
// ended" (kClosed). So the push that finds the owner parked is the one that
// must wake it, and no wake can be lost between the owner's last look at the
// inbox and its park: parking is a CAS from "empty" to kParked, which fails
// if anything was pushed meanwhile. A push onto a closed mailbox fails, and
// the caller frees the cell: a message to an ended process is dropped.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "cell_queue.hpp"

#ifdef ACTORSPEC_MUTANTS
#include <mutex>
#endif

namespace actorspec::core {

class Mailbox {
 public:
  using Cell = detail::MessageCell;
  enum class Push {
    queued,       // in the inbox; the owner is running or will look before it parks
    queued_wake,  // in the inbox, and the owner was parked: the caller must wake it
    closed,       // the process has ended: the cell was not taken, the caller frees it
  };

  Mailbox() = default;
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;
  ~Mailbox() {
    CellQueue unread;
    close(unread);
  }

  // ---- any thread ----
  Push push(Cell* c) noexcept {
#ifdef ACTORSPEC_MUTANTS
    unfetched_.fetch_add(1, std::memory_order_relaxed);
#endif
    Cell* head = head_.load(std::memory_order_relaxed);
    for (;;) {
      if (head == kClosed) return Push::closed;
      c->next = head == kParked ? nullptr : head;
      if (head_.compare_exchange_weak(head, c, std::memory_order_seq_cst, std::memory_order_relaxed))
        return head == kParked ? Push::queued_wake : Push::queued;
    }
  }

  // Clears the parked mark if it is set: the caller then must wake the owner
  // (an exit signal that is not a message, shutdown). Sequentially consistent
  // with try_park, so a signal stored before take_parked is seen by an owner
  // that parks after it (see ProcessState::receive_matching).
  bool take_parked() noexcept {
    Cell* expected = kParked;
    return head_.compare_exchange_strong(expected, nullptr, std::memory_order_seq_cst, std::memory_order_relaxed);
  }

  // ---- the owner only ----
  CellQueue& saved() { return saved_; }

  // Whether anything was pushed that fetch has not taken yet.
  bool has_unfetched() const {
    Cell* head = head_.load(std::memory_order_acquire);
    return head != nullptr && head != kParked && head != kClosed;
  }

  // Moves everything pushed so far behind the saved queue, oldest first.
  // Returns whether anything came.
  bool fetch() noexcept {
    if (!has_unfetched()) return fetch_urgent();
    Cell* top = head_.exchange(nullptr, std::memory_order_acquire);
#ifdef ACTORSPEC_MUTANTS
    unfetched_.store(0, std::memory_order_relaxed);
#endif
    fetch_urgent();
    CellQueue batch;
    for (Cell* c = top; c;) {  // reverse: the stack's bottom is the oldest
      Cell* below = c->next;
      batch.push_front(c);
      c = below;
    }
    saved_.splice_back(batch);
    return true;
  }

  // Marks the owner parked if the inbox is empty; false if something is
  // waiting to be fetched.
  bool try_park() noexcept {
#ifdef ACTORSPEC_MUTANTS
    std::lock_guard lock(urgent_mu_);
    if (!urgent_.empty()) return false;
#endif
    Cell* expected = nullptr;
    return head_.compare_exchange_strong(expected, kParked, std::memory_order_seq_cst, std::memory_order_relaxed);
  }

  // After a park that timed out: takes the parked mark back. False if a
  // pusher or signaller took it first: its wake is on the way.
  bool unpark() noexcept { return take_parked(); }

  // The process ended: later pushes fail. Everything unread moves to `out`,
  // to be freed by the caller outside any lock (a message's destructor is
  // user code).
  void close(CellQueue& out) noexcept {
    Cell* top = head_.exchange(kClosed, std::memory_order_acq_rel);
    if (top == kParked || top == kClosed) top = nullptr;
    fetch_urgent();
    out.splice_back(saved_);
    for (Cell* c = top; c;) {
      Cell* below = c->next;
      c->next = nullptr;
      out.push_back(c);  // order no longer matters: these are only freed
      c = below;
    }
  }

  // Readies a closed mailbox for a new process. Nobody can push meanwhile:
  // the node only reuses an object no one holds.
  void reopen() noexcept { head_.store(nullptr, std::memory_order_relaxed); }

#ifdef ACTORSPEC_MUTANTS
  // Fault switches only (exit_overtakes, down_overtakes, reorder_under_load):
  // puts `c` ahead of everything not fetched yet. Returns whether the caller
  // must wake the owner.
  bool push_ahead(Cell* c) {
    {
      std::lock_guard lock(urgent_mu_);
      urgent_.push_back(c);
    }
    return take_parked();
  }
  std::size_t unfetched() const { return unfetched_.load(std::memory_order_relaxed); }
#endif

 private:
  // Moves cells pushed ahead (mutants only) behind the saved queue.
  bool fetch_urgent() noexcept {
#ifdef ACTORSPEC_MUTANTS
    std::lock_guard lock(urgent_mu_);
    if (urgent_.empty()) return false;
    saved_.splice_back(urgent_);
    return true;
#else
    return false;
#endif
  }

  // Cells are at least pointer-aligned, so these never name one.
  static inline Cell* const kParked = reinterpret_cast<Cell*>(std::uintptr_t{1});
  static inline Cell* const kClosed = reinterpret_cast<Cell*>(std::uintptr_t{2});

  std::atomic<Cell*> head_{nullptr};
  CellQueue saved_;  // owner: fetched, scanned by receives, not yet taken

#ifdef ACTORSPEC_MUTANTS
  std::mutex urgent_mu_;
  CellQueue urgent_;
  std::atomic<std::size_t> unfetched_{0};
#endif
};

}  // namespace actorspec::core

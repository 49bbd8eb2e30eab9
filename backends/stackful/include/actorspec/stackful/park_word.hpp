#pragma once
// The one park word of the stackful backends: how park, wake and timeout of
// one process race, in one atomic word. A process parks in two steps: it
// announces the park (parking) and switches off its stack; the worker it
// left then publishes it as parked. A wake or a timeout that comes while it
// is still parking claims it, and the worker runs or queues it again instead
// of leaving it; one that comes once it is parked tells its caller to make it
// runnable. Each park has an epoch, carried by the parking and parked
// states, so a timer armed for an earlier park can never end a later one.
// The backends differ only in what "switch off", "run again" and "make
// runnable" are.
//
//   state                 meaning
//   idle                  running (or runnable), no wake kept
//   permit                running, a wake kept: the next park returns at once
//   ready_woken           made runnable by a wake; park returns true
//   ready_timed_out       made runnable by its timer; park returns false
//   ready_timed_out_permit  ... and a wake came before it ran: kept
//   parking(epoch)        announced, still switching off its stack
//   parked(epoch)         off its stack, in no queue: whoever claims it queues it

#include <atomic>
#include <cstdint>

namespace actorspec::stackful {

class ParkWord {
 public:
  // Process side. True: a wake was kept, the park is over at once. False:
  // now parking; switch off the stack and have the worker call
  // publish_parked(epoch).
  bool consume_permit_or_begin(std::uint64_t& epoch) noexcept {
    // One atomic read-modify-write on the common path (no wake kept): this
    // runs on every park.
    epoch = ++epoch_;
    std::uint64_t s = kIdle;
    if (state_.compare_exchange_strong(s, with_epoch(epoch, kParking), std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return false;
    // A wake was kept (s == kPermit, the only other state a running process
    // sees, and nobody else moves it): consume it.
    state_.store(kIdle, std::memory_order_relaxed);
    return true;
  }

  // Worker side, once the process is off its stack. True: it is parked, and
  // from here on a wake may run and end it on another thread (touch nothing
  // of it). False: a wake or its timer claimed it meanwhile: run it again.
  bool publish_parked(std::uint64_t epoch) noexcept {
    std::uint64_t s = with_epoch(epoch, kParking);
    return state_.compare_exchange_strong(s, with_epoch(epoch, kParked), std::memory_order_acq_rel);
  }

  // Process side, running again after a park: true if a wake ended it,
  // false if its timer did (a wake that came too late is kept).
  bool end_park() noexcept {
    const std::uint64_t s = state_.exchange(kIdle, std::memory_order_acq_rel);
    if (s == kReadyWoken) return true;
    if (s == kReadyTimedOutPermit) state_.store(kPermit, std::memory_order_release);
    return false;
  }

  // Any thread. True: the process was parked and the caller must make it
  // runnable (only the caller may). False: nothing to do, and the process
  // may already be running or gone: touch nothing of it.
  bool wake() noexcept {
    std::uint64_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      std::uint64_t next;
      switch (s & kTagMask) {
        case kIdle: next = kPermit; break;
        case kReadyTimedOut: next = kReadyTimedOutPermit; break;  // too late for this park: kept
        case kParking:  // the worker publishing it sees the claim
        case kParked: next = kReadyWoken; break;
        default: return false;  // a wake is already on its way
      }
      if (state_.compare_exchange_weak(s, next, std::memory_order_acq_rel, std::memory_order_acquire))
        return (s & kTagMask) == kParked;
    }
  }

  // The timer of park `epoch`. True: the process was parked and the caller
  // must make it runnable. False: that park is over, or the worker
  // publishing it sees the claim.
  bool expire(std::uint64_t epoch) noexcept {
    const std::uint64_t parking = with_epoch(epoch, kParking);
    const std::uint64_t parked = with_epoch(epoch, kParked);
    std::uint64_t s = state_.load(std::memory_order_acquire);
    while (s == parking || s == parked) {
      if (state_.compare_exchange_weak(s, kReadyTimedOut, std::memory_order_acq_rel, std::memory_order_acquire))
        return s == parked;
    }
    return false;
  }

  // Publishes what the caller wrote before it to whoever next acquires the
  // word (a handover the word does not otherwise order, e.g. a yield's
  // requeue through a queue that ThreadSanitizer cannot see into).
  void release() noexcept { state_.fetch_add(0, std::memory_order_release); }
  void acquire() const noexcept { (void)state_.load(std::memory_order_acquire); }

 private:
  enum Tag : std::uint64_t {
    kIdle = 0,
    kPermit = 1,
    kReadyWoken = 2,
    kReadyTimedOut = 3,
    kReadyTimedOutPermit = 4,
    kParking = 5,
    kParked = 6,
  };
  static constexpr std::uint64_t kTagBits = 3;
  static constexpr std::uint64_t kTagMask = (std::uint64_t{1} << kTagBits) - 1;
  static constexpr std::uint64_t with_epoch(std::uint64_t epoch, Tag tag) { return epoch << kTagBits | tag; }

  std::atomic<std::uint64_t> state_{kIdle};
  std::uint64_t epoch_ = 0;  // the process's own
};

}  // namespace actorspec::stackful

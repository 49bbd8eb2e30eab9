#include "parker.hpp"

#include <boost/fiber/detail/spinlock.hpp>
#include <boost/fiber/scheduler.hpp>
#include <boost/fiber/waker.hpp>

#include <thread>

namespace actorspec::fiber_backend {
namespace {

thread_local WorkerIdentity* this_thread_worker = nullptr;

// The scheduler of the calling thread if it is a pool worker, else nullptr.
// Never initialises Boost.Fiber on a thread that has not got it.
boost::fibers::scheduler* worker_scheduler_here() noexcept {
  if (current_worker_identity() == nullptr) return nullptr;
  return boost::fibers::context::active()->get_scheduler();
}

}  // namespace

__attribute__((noipa)) WorkerIdentity* current_worker_identity() noexcept { return this_thread_worker; }
__attribute__((noipa)) void set_current_worker_identity(WorkerIdentity* w) noexcept { this_thread_worker = w; }

bool Parker::park(std::optional<Clock::time_point> deadline) noexcept {
  std::uintptr_t s = kPermit;
  if (state_.compare_exchange_strong(s, kIdle, std::memory_order_acquire)) return true;

  // A fresh epoch: wakers and timers of earlier parks can no longer fire.
  const std::size_t epoch = fiber_->waker_epoch_.fetch_add(1, std::memory_order_acq_rel) + 1;
  s = kIdle;
  if (!state_.compare_exchange_strong(s, epoch << 1, std::memory_order_acq_rel)) {
    // An unpark came in between; s == kPermit and nobody else moves it.
    state_.store(kIdle, std::memory_order_relaxed);
    return true;
  }

  // Only this fiber's own code runs between here and the switch, so these
  // are the thread's exception globals of this fiber.
  const EhState eh = take_thread_eh_state();
  if (deadline) {
    // The timed wait wants a lock to release after the switch; ours guards
    // nothing, state_ already orders everything.
    boost::fibers::detail::spinlock unused;
    boost::fibers::detail::spinlock_lock lock{unused};
    fiber_->wait_until(*deadline, lock, boost::fibers::waker{fiber_, epoch});
  } else {
    fiber_->suspend();
  }
  // Resumed, perhaps on another worker thread.
  now_running_on(stack_);
  restore_thread_eh_state(eh);

  s = epoch << 1;
  if (state_.compare_exchange_strong(s, kIdle, std::memory_order_acq_rel)) return false;  // the timer woke us
  // A waker claimed this park. If the timer beat it to the epoch we may be
  // running while it still reads our context: wait for it to let go.
  while (state_.load(std::memory_order_acquire) == kWaking) std::this_thread::yield();
  return true;
}

void Parker::unpark() noexcept {
  std::uintptr_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    if (s == kPermit || s == kWaking) return;  // a wake is already on its way
    if (s == kIdle) {
      if (state_.compare_exchange_weak(s, kPermit, std::memory_order_acq_rel)) return;
      continue;
    }
    if (state_.compare_exchange_weak(s, kWaking, std::memory_order_acq_rel)) break;
  }
  boost::fibers::context* const fiber = fiber_;
  std::size_t epoch = s >> 1;
  const bool ours = fiber->waker_epoch_.compare_exchange_strong(epoch, epoch + 1, std::memory_order_acq_rel);
  // If ours, the fiber stays parked until we schedule it, so its scheduler
  // cannot change under us; if not, the timer made it ready and it may be
  // migrating already.
  boost::fibers::scheduler* const home = ours ? fiber->get_scheduler() : nullptr;
  // From here on the parker may return and its process end: touch nothing
  // of it but `fiber`, which cannot run before the schedule below.
  state_.store(kIdle, std::memory_order_release);
  if (!ours) return;  // the timer made it ready already
  if (worker_scheduler_here() == home)
    home->schedule(fiber);
  else
    home->schedule_from_remote(fiber);
}

}  // namespace actorspec::fiber_backend

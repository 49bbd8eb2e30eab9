#include "deadline_timer.hpp"

#include <cassert>

#include "process_fiber.hpp"
#include "tbb_executor.hpp"

namespace actorspec::tbb_backend {

void DeadlineTimer::arm(ProcessFiber& f, core::Clock::time_point deadline, std::uint64_t park_seq) {
  TimerEntry& e = f.timer_entry();
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  e.deadline = deadline;
  e.park_seq = park_seq;
  if (e.index == TimerEntry::kNone) {
    heap_.push_back(&f);
    e.index = heap_.size() - 1;
  }
  sift_up(e.index);
  sift_down(e.index);
  // Only a new earliest deadline shortens the thread's sleep.
  if (heap_.front() == &f) cv_.notify_one();
}

void DeadlineTimer::disarm(ProcessFiber& f) {
  std::lock_guard lock(mu_);
  const std::size_t i = f.timer_entry().index;
  if (i != TimerEntry::kNone) remove_at(i);
}

void DeadlineTimer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    assert(heap_.empty() && "a process ended without leaving the timer");
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void DeadlineTimer::run() {
  std::vector<ProcessFiber*> due;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (heap_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto now = core::Clock::now();
    const auto next = heap_.front()->timer_entry().deadline;
    if (now < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    while (!heap_.empty() && heap_.front()->timer_entry().deadline <= now) {
      ProcessFiber* f = heap_.front();
      const std::uint64_t seq = f->timer_entry().park_seq;
      remove_at(0);
      // Under the lock: the process may be ending, and its end disarms
      // (and waits for this lock) before it frees itself.
      if (f->expire(seq)) due.push_back(f);
    }
    // A process we expired stays switched out until enqueued, so it is
    // alive; enqueueing outside the lock keeps arm() from waiting on the
    // arena. Only its address is used after the expiring CAS.
    lock.unlock();
    for (ProcessFiber* f : due) executor_.enqueue(*f);
    due.clear();
    lock.lock();
  }
}

void DeadlineTimer::place(std::size_t i, ProcessFiber* f) {
  heap_[i] = f;
  f->timer_entry().index = i;
}

void DeadlineTimer::sift_up(std::size_t i) {
  ProcessFiber* f = heap_[i];
  const auto d = f->timer_entry().deadline;
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (heap_[parent]->timer_entry().deadline <= d) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, f);
}

void DeadlineTimer::sift_down(std::size_t i) {
  ProcessFiber* f = heap_[i];
  const auto d = f->timer_entry().deadline;
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1]->timer_entry().deadline < heap_[child]->timer_entry().deadline) ++child;
    if (d <= heap_[child]->timer_entry().deadline) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, f);
}

void DeadlineTimer::remove_at(std::size_t i) {
  ProcessFiber* gone = heap_[i];
  ProcessFiber* last = heap_.back();
  heap_.pop_back();
  gone->timer_entry().index = TimerEntry::kNone;
  if (gone == last) return;
  place(i, last);
  sift_up(i);
  sift_down(last->timer_entry().index);
}

}  // namespace actorspec::tbb_backend

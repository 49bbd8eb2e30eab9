#include "thread_executor.hpp"

#include <system_error>

#include "futex_permit.hpp"

namespace actorspec::thread_backend {
namespace {

// A futex permit, not a mutex and condition variable: a wake is one system call.
struct ThreadSlot final : core::ExecutionSlot {
  FutexPermit permit;
};

ThreadSlot& slot_of(core::Schedulable& p) { return static_cast<ThreadSlot&>(*p.slot); }

// The backend may use thread identity: here a process *is* its thread. The
// executor is kept beside it: a process of another runtime is not current
// in this one (Executor::current).
thread_local core::Schedulable* running_process = nullptr;
thread_local const ThreadExecutor* running_executor = nullptr;

}  // namespace

struct ThreadExecutor::Start {
  ThreadExecutor* executor;
  core::Schedulable* process;
  std::function<void()> entry;
};

ThreadExecutor::ThreadExecutor(std::size_t stack_size)
    : stack_size_(stack_size ? stack_size : kDefaultStackSize) {}

ThreadExecutor::~ThreadExecutor() { join(); }

void ThreadExecutor::launch(core::Schedulable& process, std::function<void()> entry) {
  process.slot = std::make_unique<ThreadSlot>();
  reap();
  auto* start = new Start{this, &process, std::move(entry)};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_size_);
  {
    std::lock_guard lock(mu_);
    ++running_;
  }
  pthread_t thread;
  const int rc = pthread_create(&thread, &attr, &ThreadExecutor::thread_main, start);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    delete start;
    std::lock_guard lock(mu_);
    --running_;
    throw std::system_error(rc, std::generic_category(), "thread backend: pthread_create");
  }
}

void* ThreadExecutor::thread_main(void* arg) {
  auto* start = static_cast<Start*>(arg);
  ThreadExecutor* self = start->executor;
  running_process = start->process;
  running_executor = self;
  start->entry();
  running_process = nullptr;
  running_executor = nullptr;
  delete start;  // may free the process, and its slot, now that it has ended
  self->finished(pthread_self());
  return nullptr;
}

void ThreadExecutor::finished(pthread_t self) {
  std::lock_guard lock(mu_);
  to_join_.push_back(self);
  --running_;
  // Notified under the lock: once join() sees zero it may destroy us, and
  // this thread touches nothing of ours after unlocking.
  all_done_.notify_all();
}

void ThreadExecutor::reap() {
  std::vector<pthread_t> done;
  {
    std::lock_guard lock(mu_);
    done.swap(to_join_);
  }
  for (pthread_t t : done) pthread_join(t, nullptr);
}

bool ThreadExecutor::park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) {
  return slot_of(process).permit.acquire(deadline);
}

void ThreadExecutor::wake(core::Schedulable& process) { slot_of(process).permit.release(); }

core::Schedulable* ThreadExecutor::current() { return running_executor == this ? running_process : nullptr; }

void ThreadExecutor::join() {
  {
    std::unique_lock lock(mu_);
    all_done_.wait(lock, [&] { return running_ == 0; });
  }
  reap();
}

}  // namespace actorspec::thread_backend

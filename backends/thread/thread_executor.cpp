#include "thread_executor.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "actorspec/errors.hpp"

#include "actorspec/core/overflow_report.hpp"
#include "futex_permit.hpp"

namespace actorspec::thread_backend {
namespace {

// A futex permit, not a mutex and condition variable: a wake is one system call.
struct ThreadSlot final : core::ExecutionSlot {
  FutexPermit permit;
};

ThreadSlot& slot_of(core::Schedulable& p) { return static_cast<ThreadSlot&>(*p.slot); }

// The backend may use thread identity: here a process *is* its thread.
// Which executor it belongs to too: a process of another runtime is not
// "inside" this one.
struct Running {
  const ThreadExecutor* executor = nullptr;
  core::Schedulable* process = nullptr;
};
thread_local Running running_process;

std::string read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line.empty() ? "?" : line;
}

// pthread_create's EAGAIN has several causes; name every limit that may
// be the one hit, with its value, so the user knows what to raise.
std::string thread_limit_report(int rc, std::size_t running, std::size_t stack_size) {
  std::string msg = "pthread_create failed (" + std::string(rc == EAGAIN ? "EAGAIN" : std::to_string(rc)) +
                    ") with " + std::to_string(running) + " process threads running, " +
                    std::to_string(stack_size / 1024) + " KiB stack each; limits: vm.max_map_count=" +
                    read_first_line("/proc/sys/vm/max_map_count") +
                    " (each thread uses 2 maps), kernel.threads-max=" + read_first_line("/proc/sys/kernel/threads-max");
  rlimit nproc{}, as{};
  if (getrlimit(RLIMIT_NPROC, &nproc) == 0)
    msg += ", RLIMIT_NPROC=" + (nproc.rlim_cur == RLIM_INFINITY ? std::string("unlimited") : std::to_string(nproc.rlim_cur));
  if (getrlimit(RLIMIT_AS, &as) == 0)
    msg += ", RLIMIT_AS=" + (as.rlim_cur == RLIM_INFINITY ? std::string("unlimited") : std::to_string(as.rlim_cur >> 20) + " MiB");
  return msg;
}

// The alternate signal stack the overflow report runs on (SPEC RT-17) lies
// in the lowest bytes of the thread's own stack mapping, just above the
// guard page, added to the stack size asked for. Without one, the core
// mallocs one per thread, and that malloc left a chunk header on a fresh
// heap page per thread: ~4 KiB resident per idle process, a third of it
// (thread_idle_memory). These pages stay untouched until a signal runs on
// them. A process whose stack grows into them is still on its own stack:
// the kernel does not switch stacks for a signal taken there, and one
// taken above them writes below every live frame. Under the sanitizers the
// core's own (256 KiB, which their handlers need) is kept: added to every
// stack it would let a frame larger than the stack asked for fit.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kAltStackSize = 0;
#else
constexpr std::size_t kAltStackSize = 64 * 1024;  // as much as the core's
#endif

void use_stack_bottom_for_signals(void* bottom) {
  stack_t old{};
  if (::sigaltstack(nullptr, &old) == 0 && !(old.ss_flags & SS_DISABLE)) return;  // someone set one (a sanitizer)
  stack_t ss{};
  ss.ss_sp = bottom;
  ss.ss_size = kAltStackSize;
  ::sigaltstack(&ss, nullptr);  // on failure the core allocates one
}

std::size_t round_to_pages(std::size_t n) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (n + page - 1) / page * page;
}

}  // namespace

// One OS thread, running one process after another. `process` and `entry`
// are written by launch before it releases `job` (or by join, emptied, to
// stop the thread) and read by the thread after it acquired it.
struct ThreadExecutor::Worker {
  explicit Worker(ThreadExecutor* owner) : executor(owner) {}
  ThreadExecutor* const executor;
  pthread_t thread{};
  FutexPermit job;
  core::Schedulable* process = nullptr;
  std::function<void()> entry;
};

ThreadExecutor::ThreadExecutor(std::size_t stack_size)
    : stack_size_(round_to_pages(stack_size ? stack_size : kDefaultStackSize)) {}

ThreadExecutor::~ThreadExecutor() { join(); }

void ThreadExecutor::launch(core::Schedulable& process, std::function<void()> entry) {
  process.slot = std::make_unique<ThreadSlot>();
  Worker* worker = nullptr;
  std::size_t running = 0;
  std::vector<Worker*> ended;
  {
    // One lock per launch: this is the spawn path.
    std::lock_guard lock(mu_);
    running = running_++;
    if (!idle_.empty()) {
      // The most recently parked: its stack and caches are the warmest.
      worker = idle_.back();
      idle_.pop_back();
    }
    ended.swap(to_join_);
  }
  join_and_free(ended);
  if (worker) {
    worker->process = &process;
    worker->entry = std::move(entry);
    worker->job.release();
    return;
  }
  worker = new Worker(this);
  worker->process = &process;
  worker->entry = std::move(entry);
  try {
    start_thread(worker, running);
  } catch (...) {
    delete worker;  // the core undoes the rest (all or nothing)
    {
      std::lock_guard lock(mu_);
      --running_;
      all_done_.notify_all();
    }
    process.slot.reset();
    throw;
  }
}

void ThreadExecutor::start_thread(Worker* worker, std::size_t running) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  // glibc puts a guard page below the stack (pthread_attr_setguardsize's
  // default): an overflow faults there (SPEC RT-17).
  int rc = pthread_attr_setstacksize(&attr, stack_size_ + kAltStackSize);
  if (rc == 0) rc = pthread_create(&worker->thread, &attr, &ThreadExecutor::thread_main, worker);
  pthread_attr_destroy(&attr);
  if (rc != 0) throw SystemLimit("thread backend: " + thread_limit_report(rc, running, stack_size_));
}

void* ThreadExecutor::thread_main(void* arg) {
  auto* worker = static_cast<Worker*>(arg);
  ThreadExecutor* self = worker->executor;
  // glibc's guard page lies below the usable stack pthread reports.
  void* bottom = nullptr;
  std::size_t size = 0, guard = 0;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &bottom, &size);
    pthread_attr_getguardsize(&attr, &guard);
    pthread_attr_destroy(&attr);
  }
  if (kAltStackSize && bottom && size > kAltStackSize) use_stack_bottom_for_signals(bottom);
  core::prepare_overflow_reports();
  for (;;) {
    running_process = Running{self, worker->process};
    if (bottom) core::running_on_stack(worker->process, "thread", bottom, size, guard);
    worker->entry();
    core::running_on_stack(nullptr, "thread", nullptr, 0, 0);
    running_process = Running{};
    worker->entry = nullptr;  // may free the process, and its slot, now that it has ended
    worker->process = nullptr;
    if (!self->retire(worker)) return nullptr;
    worker->job.acquire(std::nullopt);
    if (!worker->process) return nullptr;  // join() stops the idle threads
  }
}

// The worker's process has ended: true if the thread is to wait for the
// next one, false if it is to end (join() has begun, or enough are idle).
bool ThreadExecutor::retire(Worker* worker) {
  std::lock_guard lock(mu_);
  const bool stay = !stopping_ && idle_.size() < kMaxIdleThreads;
  (stay ? idle_ : to_join_).push_back(worker);
  --running_;
  // Notified under the lock: once join() sees zero it may go on to destroy
  // us, and an ending thread touches nothing of ours after unlocking (join
  // and launch join every thread, idle or ended, before anything is freed).
  all_done_.notify_all();
  return stay;
}

void ThreadExecutor::join_and_free(const std::vector<Worker*>& workers) {
  for (Worker* w : workers) {
    pthread_join(w->thread, nullptr);
    delete w;
  }
}

bool ThreadExecutor::park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) {
  return slot_of(process).permit.acquire(deadline);
}

void ThreadExecutor::wake(core::Schedulable& process) { slot_of(process).permit.release(); }

core::Schedulable* ThreadExecutor::current() {
  return running_process.executor == this ? running_process.process : nullptr;
}

std::optional<std::size_t> ThreadExecutor::idle_threads_once_all_returned(core::Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  if (!all_done_.wait_until(lock, deadline, [&] { return running_ == 0; })) return std::nullopt;
  return idle_.size();
}

void ThreadExecutor::join() {
  std::vector<Worker*> idle;
  {
    std::unique_lock lock(mu_);
    all_done_.wait(lock, [&] { return running_ == 0; });
    stopping_ = true;
    idle.swap(idle_);
  }
  for (Worker* w : idle) w->job.release();  // no process: the thread ends
  join_and_free(idle);
  std::vector<Worker*> ended;
  {
    std::lock_guard lock(mu_);
    ended.swap(to_join_);
  }
  join_and_free(ended);
}

}  // namespace actorspec::thread_backend

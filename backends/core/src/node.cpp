#include "node.hpp"

#include <sys/resource.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <system_error>
#include <thread>
#include <utility>

#include "actorspec/core/core_runtime.hpp"
#include "actorspec/errors.hpp"

namespace actorspec::core {
namespace {

// Shared by every runtime in the program, so a ref of one runtime never
// names anything in another (pids: see ProcessTable).
std::atomic<std::uint64_t> next_ref{1};

std::string first_line(const char* path) {
  std::FILE* f = std::fopen(path, "r");
  if (!f) return "?";
  char buf[64] = {};
  const bool ok = std::fgets(buf, sizeof buf, f) != nullptr;
  std::fclose(f);
  std::string s = ok ? buf : "?";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The memory limits a refused stack or process allocation may have hit.
std::string memory_limits() {
  rlimit as{};
  std::string out = "limits: RLIMIT_AS=";
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    out += std::to_string(as.rlim_cur >> 20) + " MiB";
  else
    out += "unlimited";
  out += ", vm.max_map_count=" + first_line("/proc/sys/vm/max_map_count") +
         ", vm.overcommit_memory=" + first_line("/proc/sys/vm/overcommit_memory");
  return out;
}

}  // namespace

std::unique_ptr<Runtime> make_runtime(std::string backend_name, std::unique_ptr<Executor> executor) {
  return std::make_unique<Node>(std::move(backend_name), std::move(executor));
}

Node::Node(std::string backend, std::unique_ptr<Executor> executor)
    : backend_(std::move(backend)), executor_(std::move(executor)) {}

#ifdef ACTORSPEC_MUTANTS
std::unique_ptr<Runtime> make_mutant_runtime(std::string backend_name, std::unique_ptr<Executor> executor, Fault fault) {
  auto node = std::make_unique<Node>(std::move(backend_name), std::move(executor));
  node->fault_ = fault;
  return node;
}
#endif

Node::~Node() {
  if (Schedulable* inside = executor_->current()) {
    // A runtime cannot end while one of its processes runs the destructor:
    // shutdown would wait for that process, which runs on the runtime's own
    // threads and stacks. No exception can leave a destructor, so this is
    // the report (SPEC RT-16).
    const Pid pid = static_cast<ProcessState*>(inside)->pid();
    std::fprintf(stderr,
                 "actorspec: the last reference to a %s runtime was dropped inside its own process %s; "
                 "a runtime cannot be destroyed by one of its processes. Keep a reference outside the "
                 "runtime (e.g. in main) until it is shut down.\n",
                 backend_.c_str(), pid.to_string().c_str());
    std::abort();
  }
  shutdown();
}

Ref Node::make_ref() { return Ref(next_ref.fetch_add(1, std::memory_order_relaxed)); }

void Node::recycle(ProcessState* p) noexcept { table_.release(p); }

ProcessPtr Node::lookup(Pid p) const { return table_.find(p); }

void Node::refuse_spawn_stopping() {
  if (Schedulable* caller = executor_->current()) static_cast<ProcessState*>(caller)->mark_shutdown();
  throw RuntimeStopped();
}

Pid Node::start(Body body, const std::function<void(ProcessState&)>& setup) {
  if (!body) throw BadArg("spawn needs a callable body; this one is empty");
  const bool admit_anyway = ACTORSPEC_FAULT(*this, shutdown_admits_spawns);
  if (stopping_.load(std::memory_order_acquire) && !admit_anyway) refuse_spawn_stopping();
  ProcessPtr p;
  try {
    p = table_.acquire(std::move(body));
  } catch (const std::bad_alloc&) {
    throw SystemLimit("out of memory starting a process on the " + backend_ + " backend (" +
                      std::to_string(process_count()) + " processes live; " + memory_limits() + ")");
  }
  const Pid pid = p->pid();
  // Sequentially consistent: before the insert below in that order, so a
  // shutdown that the insert precedes counts this spawn (live_count).
  my_live_count().spawned.fetch_add(1, std::memory_order_seq_cst);
  // In the table, then a look at stopping_ (see there): either shutdown's
  // sweep finds this process, or this sees shutdown and undoes the start.
  table_.insert(*p);
  if (stopping_.load(std::memory_order_seq_cst) && !admit_anyway) {
    abandon(*p);
    refuse_spawn_stopping();
  }
  // All or nothing (SPEC RT-14): until launch has succeeded the process is
  // not running, so nothing but this call has seen it except what setup
  // did, and abandon undoes all of it.
  try {
    if (setup) setup(*p);
    // The entry carries the process's reference as a raw pointer: a
    // closure that small and trivially copyable std::function keeps inline,
    // where one holding a ProcessPtr costs an allocation per process.
    // Calling it takes the reference over; a launch that throws never calls
    // it, so the reference is dropped here.
    ProcessState* const raw = p.get();
    raw->add_ref();
    try {
      executor_->launch(*p, [raw] { ProcessPtr::adopt(raw)->run(); });
    } catch (...) {
      raw->drop_ref();
      throw;
    }
  } catch (const Error&) {
    abandon(*p);
    throw;
  } catch (const std::bad_alloc&) {
    abandon(*p);
    throw SystemLimit("out of memory starting a process on the " + backend_ + " backend (" +
                      std::to_string(process_count()) + " processes live; " + memory_limits() + ")");
  } catch (const std::system_error& e) {
    abandon(*p);
    throw SystemLimit(std::string("the ") + backend_ + " backend could not start a process (" +
                      std::to_string(process_count()) + " processes live): " + e.what());
  } catch (...) {
    abandon(*p);
    throw;
  }
  return pid;
}

void Node::forget(ProcessState& p) {
  table_.erase(p);
  // Uncounted before anyone learns of the end (Exit, Down, run returning),
  // so whoever has seen it also sees process_count() without it. Shutdown
  // may then move on to Executor::join, which still waits for this entry.
  // Once shutdown has begun, the end that brings the count to zero wakes
  // it: this increment, the look at stopping_ and shutdown's store are all
  // sequentially consistent, so either this sees stopping_ or shutdown's
  // first count sees this end; and the last end in that order sees every
  // other end and every admitted spawn, so some end sees zero.
  my_live_count().ended.fetch_add(1, std::memory_order_seq_cst);
  if (stopping_.load(std::memory_order_seq_cst) && live_count() == 0) {
    std::lock_guard lock(idle_mu_);
    idle_cv_.notify_all();
  }
}

Node::LiveCount& Node::my_live_count() { return live_[ProcessTable::thread_shard() % live_.size()]; }

std::uint64_t Node::live_count() const {
  // Every `ended` first: an end read here synchronised with its increment,
  // which came after its spawn's, so the `spawned` read next includes that
  // spawn. The count never counts an end without its spawn.
  std::uint64_t ended = 0, spawned = 0;
  for (const auto& c : live_) ended += c.ended.load(std::memory_order_seq_cst);
  for (const auto& c : live_) spawned += c.spawned.load(std::memory_order_seq_cst);
  return spawned - ended;
}

void Node::abandon(ProcessState& p) {
  Ending ending = p.end();
  // Only setup can have linked or monitored it: its parent, which is the
  // caller and is running this, so no Exit or Down can be on its way.
  for (Pid l : ending.links)
    if (auto o = lookup(l)) o->forget_link(p.pid());
  for (auto& [ref, entry] : ending.watchers)
    if (auto w = lookup(entry.watcher)) w->forget_monitor(ref);
  // Anyone may have named it by guessing its pid.
  if (ending.named) registry_.release(p.pid());
  forget(p);
  p.slot.reset();
}

Pid Node::spawn(Body body) { return start(std::move(body)); }

ExitReason Node::run(Body body) {
  if (executor_->current() != nullptr)
    throw BadArg("Runtime::run blocks its caller, so it must be called from outside the runtime's processes");
  struct Outcome {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<ExitReason> reason;
  };
  auto outcome = std::make_shared<Outcome>();
  start(std::move(body), [outcome](ProcessState& p) {
    p.on_exit([outcome](const ExitReason& r) {
      std::lock_guard lock(outcome->mu);
      outcome->reason = r;
      outcome->cv.notify_all();
    });
  });
  std::unique_lock lock(outcome->mu);
  outcome->cv.wait(lock, [&] { return outcome->reason.has_value(); });
  return *outcome->reason;
}

void Node::deliver(Pid to, Message m) {
  if (auto p = lookup(to)) p->deliver(m.release());
}

void Node::deliver_by_name(std::string_view name, Message m) {
  auto pid = registry_.find(name);
  if (!pid) {
    if (ACTORSPEC_FAULT(*this, unknown_name_dropped)) return;
    throw UnknownName(std::string(name));
  }
  deliver(*pid, std::move(m));
}

void Node::send_message(Pid to, Message m) { deliver(to, std::move(m)); }
void Node::send_message(std::string_view name, Message m) { deliver_by_name(name, std::move(m)); }

void Node::exit(Pid target, ExitReason reason) { signal_exit(target, Pid{}, reason, SignalKind::exit2); }

bool Node::is_alive(Pid p) {
  auto proc = lookup(p);
  if (!proc) return false;
  if (ACTORSPEC_FAULT(*this, alive_during_unwind)) return proc->not_ended();
  return proc->live();
}

std::optional<Pid> Node::whereis(std::string_view name) { return registry_.find(name); }

std::size_t Node::process_count() const { return static_cast<std::size_t>(live_count()); }

void Node::signal_exit(Pid target, Pid from, const ExitReason& reason, SignalKind kind) {
  if (auto t = lookup(target)) signal_exit(*t, from, reason, kind);
}

void Node::signal_exit(ProcessState& t, Pid from, const ExitReason& reason, SignalKind kind) {
  if (t.accept_exit_signal(from, reason, kind)) t.wake();
}

void Node::deliver_down(Pid watcher, Ref ref, Pid dead, std::optional<std::string> name, const ExitReason& reason) {
  if (auto w = lookup(watcher))
    if (w->accept_down(ref, dead, std::move(name), reason)) w->wake();
}

void Node::terminate(ProcessState& p, const ExitReason& reason) {
  Ending ending = p.end();
  // Before any Down goes out, so a watcher never sees the name still held.
  if (ending.named) registry_.release(p.pid());
  forget(p);
  for (auto& [ref, target] : ending.held)
    if (auto t = lookup(target)) t->forget_watcher(ref);
  // Links before monitors: a process both linked and monitoring sees the
  // Exit first, as on the BEAM (spec/EVIDENCE.md O9).
  const bool kill_for_killed = ACTORSPEC_FAULT(*this, links_get_kill) && reason == ExitReason::killed();
  for (Pid l : ending.links) signal_exit(l, p.pid(), kill_for_killed ? ExitReason::kill() : reason, SignalKind::link);
  for (auto& [ref, entry] : ending.watchers) deliver_down(entry.watcher, ref, p.pid(), entry.name, reason);
  p.notify_exit(reason);
}

void Node::shutdown() {
  if (executor_->current() != nullptr)
    throw BadArg("Runtime::shutdown waits for every process, so a process cannot call it");
  std::call_once(shutdown_once_, [this] {
    // Refuse new processes (see stopping_). Mark every live process to end
    // with `shutdown` before waking any of them. Marked one by one and woken
    // at once, an early one's end (its Exit, its Down) or a spawn refused
    // with RuntimeStopped could reach a process not yet marked, which would
    // then end some other way.
    stopping_.store(true, std::memory_order_seq_cst);
    std::vector<ProcessPtr> all;
    table_.for_each([&](ProcessPtr p) { all.push_back(std::move(p)); });
    for (auto& p : all) p->mark_shutdown();
    for (auto& p : all) p->wake_if_parked();
    all.clear();
    {
      std::unique_lock lock(idle_mu_);
      idle_cv_.wait(lock, [&] { return live_count() == 0; });
    }
    executor_->join();
  });
}

}  // namespace actorspec::core

#include "node.hpp"

#include <sys/resource.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <system_error>

#include "actorspec/core/core_runtime.hpp"
#include "actorspec/errors.hpp"

namespace actorspec::core {
namespace {

// Shared by every runtime in the program, so a pid (or ref) of one runtime
// never names anything in another: used with the wrong runtime it is just
// a dead pid (SPEC RT-15).
std::atomic<std::uint64_t> next_pid{1};
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

ProcessPtr Node::make_process(Pid pid, Body body) {
  ProcessState* p = nullptr;
  {
    std::lock_guard lock(pool_mu_);
    if (!unused_.empty()) {
      p = unused_.back();
      unused_.pop_back();
    } else {
      // Room in unused_ first, so that recycle never allocates.
      unused_.reserve(pool_.size() + 1);
      p = &pool_.emplace_back(*this);
    }
  }
  p->reuse(pid, std::move(body));
  try {
    return ProcessPtr(p, [this](ProcessState* q) { recycle(q); });
  } catch (...) {
    recycle(p);
    throw;
  }
}

void Node::recycle(ProcessState* p) noexcept {
  p->retire();
  std::lock_guard lock(pool_mu_);
  unused_.push_back(p);
}

ProcessPtr Node::lookup(Pid p) const {
  auto& s = shard(p);
  std::lock_guard lock(s.mu);
  auto it = s.processes.find(p);
  return it == s.processes.end() ? nullptr : it->second;
}

Pid Node::start(Body body, const std::function<void(ProcessState&)>& setup) {
  if (!body) throw BadArg("spawn needs a callable body; this one is empty");
  const Pid pid(next_pid.fetch_add(1, std::memory_order_relaxed));
  ProcessPtr p;
  try {
    p = make_process(pid, std::move(body));
  } catch (const std::bad_alloc&) {
    throw SystemLimit("out of memory starting a process on the " + backend_ + " backend (" +
                      std::to_string(process_count()) + " processes live; " + memory_limits() + ")");
  }
  {
    std::lock_guard lock(lifecycle_mu_);
    if (stopping_ && !ACTORSPEC_FAULT(*this, shutdown_admits_spawns)) throw RuntimeStopped();
    live_.fetch_add(1, std::memory_order_relaxed);
    auto& s = shard(pid);
    std::lock_guard shard_lock(s.mu);
    s.processes.emplace(pid, p);
  }
  // All or nothing (SPEC RT-14): until launch has succeeded the process is
  // not running, so nothing but this call has seen it except what setup
  // did, and abandon undoes all of it.
  try {
    if (setup) setup(*p);
    executor_->launch(*p, [p] { p->run(); });
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

void Node::abandon(ProcessState& p) {
  std::unordered_set<Pid> links;
  std::unordered_map<Ref, MonitorEntry> watchers;
  {
    std::lock_guard lock(p.mu_);
    p.alive_ = false;
    links.swap(p.links_);
    watchers.swap(p.monitored_by_);
  }
  // Only setup can have linked or monitored it: its parent, which is the
  // caller and is running this, so no Exit or Down can be on its way.
  for (Pid l : links)
    if (auto o = lookup(l)) {
      std::lock_guard lock(o->mu_);
      o->links_.erase(p.pid());
    }
  for (auto& [ref, entry] : watchers)
    if (auto w = lookup(entry.watcher)) {
      std::lock_guard lock(w->mu_);
      w->monitors_.erase(ref);
    }
  {
    // Anyone may have named it by guessing its pid.
    std::lock_guard lock(names_mu_);
    if (!p.name_.empty()) {
      names_.erase(p.name_);
      p.name_.clear();
    }
  }
  {
    auto& s = shard(p.pid());
    std::lock_guard lock(s.mu);
    s.processes.erase(p.pid());
  }
  {
    std::lock_guard lock(idle_mu_);
    live_.fetch_sub(1, std::memory_order_relaxed);
    idle_cv_.notify_all();
  }
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
    p.on_exit_ = [outcome](const ExitReason& r) {
      std::lock_guard lock(outcome->mu);
      outcome->reason = r;
      outcome->cv.notify_all();
    };
  });
  std::unique_lock lock(outcome->mu);
  outcome->cv.wait(lock, [&] { return outcome->reason.has_value(); });
  return *outcome->reason;
}

void Node::deliver(Pid to, Message m) {
  if (auto p = lookup(to)) p->deliver(m.release());
}

void Node::deliver_by_name(std::string_view name, Message m) {
  auto pid = registered_pid(name);
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
  std::lock_guard lock(proc->mu_);
  if (ACTORSPEC_FAULT(*this, alive_during_unwind)) return proc->alive_;
  return proc->live_locked();
}

std::optional<Pid> Node::whereis(std::string_view name) { return registered_pid(name); }

std::size_t Node::process_count() const { return live_.load(std::memory_order_relaxed); }

void Node::signal_exit(Pid target, Pid from, const ExitReason& reason, SignalKind kind) {
  if (auto t = lookup(target)) signal_exit(*t, from, reason, kind);
}

void Node::signal_exit(ProcessState& t, Pid from, const ExitReason& reason, SignalKind kind) {
  bool need_wake = false;
  {
    std::lock_guard lock(t.mu_);
    if (!t.alive_ || t.pending_exit_) return;
    // An unlinked pair no longer exchanges link signals, even ones in flight.
    if (kind == SignalKind::link && t.links_.erase(from) == 0) return;

    if (kind == SignalKind::forced) {
      t.pending_exit_ = reason;
    } else if (kind == SignalKind::exit2 && reason.kind() == ExitReason::Kind::kill &&
               !(ACTORSPEC_FAULT(*this, trappable_kill) && t.trap_exit_)) {
      t.pending_exit_ = ExitReason::killed();
    } else if (ACTORSPEC_FAULT(*this, body_kill_untrappable) && reason.kind() == ExitReason::Kind::kill) {
      t.pending_exit_ = ExitReason::killed();
    } else if (t.trap_exit_) {
      if (ACTORSPEC_FAULT(*this, trap_drops_normal) && reason.is_normal()) return;
      auto* cell = Message::of(Exit{from, reason}).release();
      if (ACTORSPEC_FAULT(*this, exit_overtakes)) {
        CellQueue ahead;
        ahead.push_back(cell);
        ahead.splice_back(t.inbox_);
        t.inbox_.splice_back(ahead);
      } else {
        t.inbox_.push_back(cell);
      }
    } else if (reason.is_normal()) {
      if (from != t.pid() && !ACTORSPEC_FAULT(*this, exit_normal_kills)) return;  // normal from another process is ignored
      t.pending_exit_ = reason;
    } else {
      t.pending_exit_ = reason;
    }
    if (t.pending_exit_) t.exiting_.store(true, std::memory_order_release);
    need_wake = t.take_waiter_locked();
  }
  t.wake_if(need_wake);
}

void Node::deliver_down(Pid watcher, Ref ref, Pid dead, std::optional<std::string> name, const ExitReason& reason) {
  auto w = lookup(watcher);
  if (!w) return;
  bool need_wake = false;
  {
    std::lock_guard lock(w->mu_);
    // Gone from monitors_ means demonitor won the race: no Down.
    if (!w->alive_ || w->monitors_.erase(ref) == 0) return;
    auto* cell = Message::of(Down{ref, dead, std::move(name), reason}).release();
    if (ACTORSPEC_FAULT(*this, down_overtakes)) {
      CellQueue ahead;
      ahead.push_back(cell);
      ahead.splice_back(w->inbox_);
      w->inbox_.splice_back(ahead);
    } else {
      w->inbox_.push_back(cell);
    }
    need_wake = w->take_waiter_locked();
  }
  w->wake_if(need_wake);
}

void Node::terminate(ProcessState& p, const ExitReason& reason) {
  std::unordered_set<Pid> links;
  std::unordered_map<Ref, MonitorEntry> watchers;
  std::unordered_map<Ref, Pid> held;
  CellQueue unread;  // freed outside the lock: a message's destructor is user code
  {
    std::lock_guard lock(p.mu_);
    p.alive_ = false;
    links.swap(p.links_);
    watchers.swap(p.monitored_by_);
    held.swap(p.monitors_);
    unread.splice_back(p.inbox_);
  }
  unread.splice_back(p.saved_);
  if (ACTORSPEC_FAULT(*this, mailbox_kept)) (new CellQueue)->splice_back(unread);  // leaked on purpose
  unread.clear();
  {
    // Before any Down goes out, so a watcher never sees the name still held.
    // The name may already belong to another process: a dying holder's name
    // is free for the taking (register_name).
    std::lock_guard lock(names_mu_);
    if (!p.name_.empty() && !ACTORSPEC_FAULT(*this, name_not_freed)) {
      if (auto it = names_.find(p.name_); it != names_.end() && it->second == p.pid()) names_.erase(it);
      p.name_.clear();
    }
  }
  {
    auto& s = shard(p.pid());
    std::lock_guard lock(s.mu);
    s.processes.erase(p.pid());
  }
  {
    // Uncounted before anyone learns of the end (Exit, Down, run returning),
    // so whoever has seen it also sees process_count() without it. Shutdown
    // may then move on to Executor::join, which still waits for this entry.
    std::lock_guard lock(idle_mu_);
    live_.fetch_sub(1, std::memory_order_relaxed);
    idle_cv_.notify_all();
  }
  for (auto& [ref, target] : held) {
    if (auto t = lookup(target)) {
      std::lock_guard lock(t->mu_);
      t->monitored_by_.erase(ref);
    }
  }
  // Links before monitors: a process both linked and monitoring sees the
  // Exit first, as on the BEAM (spec/EVIDENCE.md O9).
  const bool kill_for_killed = ACTORSPEC_FAULT(*this, links_get_kill) && reason == ExitReason::killed();
  for (Pid l : links) signal_exit(l, p.pid(), kill_for_killed ? ExitReason::kill() : reason, SignalKind::link);
  for (auto& [ref, entry] : watchers) deliver_down(entry.watcher, ref, p.pid(), entry.name, reason);
  if (p.on_exit_) p.on_exit_(reason);
}

void Node::shutdown() {
  if (executor_->current() != nullptr)
    throw BadArg("Runtime::shutdown waits for every process, so a process cannot call it");
  std::call_once(shutdown_once_, [this] {
    std::vector<ProcessPtr> all;
    {
      // One step under the lifecycle lock: refuse new processes and mark
      // every live one to end with `shutdown`, before waking any of them.
      // Marked one by one and woken at once, an early one's end (its Exit,
      // its Down) or a spawn refused with RuntimeStopped could reach a
      // process not yet marked, which would then end some other way.
      std::lock_guard lock(lifecycle_mu_);
      stopping_ = true;
      for (auto& s : shards_) {
        std::lock_guard shard_lock(s.mu);
        for (auto& [_, p] : s.processes) all.push_back(p);
      }
      for (auto& p : all) {
        std::lock_guard plock(p->mu_);
        if (!p->alive_ || p->pending_exit_) continue;
        p->pending_exit_ = ExitReason::shutdown();
        p->exiting_.store(true, std::memory_order_release);
      }
    }
    for (auto& p : all) {
      bool need_wake = false;
      {
        std::lock_guard plock(p->mu_);
        need_wake = p->take_waiter_locked();
      }
      p->wake_if(need_wake);
    }
    all.clear();
    {
      std::unique_lock lock(idle_mu_);
      idle_cv_.wait(lock, [&] { return live_.load(std::memory_order_relaxed) == 0; });
    }
    executor_->join();
  });
}

// ---- names ----

// A name is held only by a live process (SPEC "alive"): an entry whose
// holder an exit signal has ended is a name nobody holds, for every name
// operation alike, though terminate() has not erased it yet.

bool Node::holder_live_locked(Pid holder) const {
  auto proc = lookup(holder);
  // (name_not_freed: the registry trusts its table, so an entry left behind
  // by a holder that ended still names it.)
  if (!proc) return ACTORSPEC_FAULT(*this, dead_pid_registrable) || ACTORSPEC_FAULT(*this, name_not_freed);
  std::lock_guard plock(proc->mu_);
  if (ACTORSPEC_FAULT(*this, registry_decided)) return proc->alive_;
  return proc->live_locked();
}

void Node::drop_dead_holder_locked(std::unordered_map<std::string, Pid>::iterator it) {
  if (auto proc = lookup(it->second)) proc->name_.clear();
  names_.erase(it);
}

void Node::register_name(std::string name, Pid p) {
  if (name.empty()) throw InvalidName();
  std::lock_guard lock(names_mu_);
  if (auto it = names_.find(name); it != names_.end()) {
    if (holder_live_locked(it->second)) throw NameTaken(name);
    drop_dead_holder_locked(it);
  }
  auto proc = lookup(p);
  bool alive = false;
  if (proc) {
    std::lock_guard plock(proc->mu_);
    alive = proc->live_locked();
  }
  if (!alive && !ACTORSPEC_FAULT(*this, dead_pid_registrable)) throw NotAlive(p.to_string());
  if (proc && !proc->name_.empty() && !ACTORSPEC_FAULT(*this, second_name))
    throw AlreadyRegistered(p.to_string(), proc->name_);
  if (proc) proc->name_ = name;
  names_.emplace(std::move(name), p);
}

void Node::unregister_name(std::string_view name) {
  std::lock_guard lock(names_mu_);
  auto it = names_.find(std::string(name));
  if (it == names_.end()) throw UnknownName(std::string(name));
  const bool live = holder_live_locked(it->second);
  if (ACTORSPEC_FAULT(*this, unregister_keeps_name)) {
    names_.erase(it);
  } else {
    drop_dead_holder_locked(it);
  }
  if (!live) throw UnknownName(std::string(name));
}

std::optional<Pid> Node::registered_pid(std::string_view name) {
  std::lock_guard lock(names_mu_);
  auto it = names_.find(std::string(name));
  if (it == names_.end() || !holder_live_locked(it->second)) return std::nullopt;
  return it->second;
}

std::vector<std::string> Node::registered_names() {
  std::lock_guard lock(names_mu_);
  std::vector<std::string> out;
  for (auto& [n, holder] : names_)
    if (holder_live_locked(holder)) out.push_back(n);
  return out;
}

}  // namespace actorspec::core

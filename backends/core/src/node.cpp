#include "node.hpp"

#include <condition_variable>

#include "actorspec/core/core_runtime.hpp"
#include "actorspec/errors.hpp"

namespace actorspec::core {

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

Node::~Node() { shutdown(); }

ProcessPtr Node::lookup(Pid p) const {
  auto& s = shard(p);
  std::lock_guard lock(s.mu);
  auto it = s.processes.find(p);
  return it == s.processes.end() ? nullptr : it->second;
}

Pid Node::start(Body body, const std::function<void(ProcessState&)>& setup) {
  if (!body) throw BadArg("spawn needs a callable body; this one is empty");
  const Pid pid(next_pid_.fetch_add(1, std::memory_order_relaxed));
  auto p = std::make_shared<ProcessState>(*this, pid, std::move(body));
  {
    std::lock_guard lock(lifecycle_mu_);
    if (stopping_ && !ACTORSPEC_FAULT(*this, shutdown_admits_spawns)) throw RuntimeStopped();
    live_.fetch_add(1, std::memory_order_relaxed);
    auto& s = shard(pid);
    std::lock_guard shard_lock(s.mu);
    s.processes.emplace(pid, p);
  }
  if (setup) setup(*p);
  executor_->launch(*p, [p] { p->run(); });
  return pid;
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
      if (from != t.pid_ && !ACTORSPEC_FAULT(*this, exit_normal_kills)) return;  // normal from another process is ignored
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

#include "process_state.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <typeinfo>

#include "node.hpp"

namespace actorspec::core {
namespace {

std::string demangle(const std::type_info& t) {
  int status = 0;
  char* name = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
  std::string out = (status == 0 && name) ? name : t.name();
  std::free(name);
  return out;
}

// Lets a matcher look at a cell that stays in its queue.
int match_cell(MatchRef match, detail::MessageCell* cell) {
  Message view = Message::adopt(cell);
  struct Release {
    Message& m;
    ~Release() { m.release(); }
  } keep{view};
  return match(view);
}

Clock::time_point deadline_after(std::chrono::nanoseconds timeout) {
  const auto now = Clock::now();
  if (timeout > Clock::time_point::max() - now) return Clock::time_point::max();
  return now + timeout;
}

}  // namespace

ProcessState::ProcessState(Node& node, Pid pid, Body body) : node_(node), pid_(pid), body_(std::move(body)) {}

Runtime& ProcessState::runtime() { return node_; }

void ProcessState::enter(const char* what) {
  Executor& exec = node_.executor();
  if (exec.current() != this) throw NotInProcess(what);
  // Reductions, as on the BEAM: a process that keeps calling the runtime
  // without ever parking (a poll loop on mailbox_size, is_alive, whereis)
  // lets the others on its worker run every so often (RT-11).
  if (++reductions_ >= kReductionsPerSlice) {
    reductions_ = 0;
    exec.yield(*this);
  }
  if (ACTORSPEC_FAULT(node_, signal_waits_for_receive) && std::strcmp(what, "receive") != 0) return;
  if (ACTORSPEC_FAULT(node_, message_beats_signal) && std::strcmp(what, "receive") == 0) return;
  if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
}

bool ProcessState::take_waiter_locked() {
  if (!waiting_) return false;
  waiting_ = false;
  return true;
}

void ProcessState::wake_if(bool need) {
  if (need) node_.executor().wake(*this);
}

void ProcessState::run() {
  ExitReason reason;
  try {
    body_(*this);
  } catch (const Unwind&) {
  } catch (const ProcessExit& e) {
    reason = e.reason;
  } catch (const std::exception& e) {
    reason = ExitReason::exception(demangle(typeid(e)), e.what());
    if (ACTORSPEC_FAULT(node_, exception_reason_normal)) reason = ExitReason::normal();
  } catch (...) {
    reason = ExitReason::exception("unknown", "an exception not derived from std::exception");
  }
  body_ = nullptr;  // its captures may hold resources a watcher waits for
  {
    // A signal that ended us wins over however the body finished.
    std::lock_guard lock(mu_);
    if (pending_exit_) reason = *pending_exit_;
  }
  node_.terminate(*this, reason);
}

void ProcessState::deliver(detail::MessageCell* cell) {
  std::unique_ptr<detail::MessageCell> dropped;
  bool need_wake = false;
  {
    std::lock_guard lock(mu_);
    if (!alive_) {
      dropped.reset(cell);  // freed outside the lock
    } else if (ACTORSPEC_FAULT(node_, reorder_under_load) && inbox_.size() >= 1000 && inbox_.size() % 100 == 0) {
      CellQueue ahead;
      ahead.push_back(cell);
      ahead.splice_back(inbox_);
      inbox_.splice_back(ahead);
      need_wake = take_waiter_locked();
    } else {
      inbox_.push_back(cell);
      need_wake = take_waiter_locked();
    }
  }
  wake_if(need_wake);
}

void ProcessState::send_message(Pid to, Message m) {
  enter("send");
  node_.deliver(to, std::move(m));
}

void ProcessState::send_message(std::string_view name, Message m) {
  enter("send");
  node_.deliver_by_name(name, std::move(m));
}

std::optional<Received> ProcessState::receive_matching(MatchRef match,
                                                      std::optional<std::chrono::nanoseconds> timeout) {
  enter("receive");
  std::optional<Clock::time_point> deadline;
  if (timeout) {
    if (timeout->count() < 0) throw InvalidTimeout();
    deadline = deadline_after(*timeout);
    if (ACTORSPEC_FAULT(node_, early_timeout)) deadline = deadline_after(*timeout / 2);
    if (ACTORSPEC_FAULT(node_, timeout_capped) && *timeout >= std::chrono::milliseconds(1LL << 32)) deadline = Clock::now();
  }
  Executor& exec = node_.executor();
  // Cells up to and including `scanned` were tried by this receive and did
  // not match; new arrivals are only ever appended after them.
  detail::MessageCell* scanned = nullptr;
  bool parked = false;
  for (;;) {
    if (ACTORSPEC_FAULT(node_, clause_order_first)) {
      {
        std::lock_guard lock(mu_);
        if (pending_exit_) throw Unwind{};
        saved_.splice_back(inbox_);
      }
      detail::MessageCell *best = nullptr, *best_prev = nullptr, *prev = nullptr;
      int best_clause = -1;
      for (auto* c = saved_.front(); c; prev = c, c = c->next) {
        const int clause = match_cell(match, c);
        if (clause >= 0 && (best_clause < 0 || clause < best_clause)) {
          best = c;
          best_prev = prev;
          best_clause = clause;
        }
      }
      if (best) {
        saved_.unlink_after(best_prev);
        return Received{best_clause, Message::adopt(best)};
      }
      scanned = saved_.back();
    }
    for (auto* c = scanned ? scanned->next : saved_.front(); c; c = c->next) {
      const int clause = match_cell(match, c);
      if (clause >= 0) {
        // Checked again once a clause is chosen and before it runs: a signal
        // accepted while this receive woke up or scanned still wins (ORD-9).
        if (exiting_.load(std::memory_order_acquire) && !ACTORSPEC_FAULT(node_, ord9_no_recheck) &&
            !ACTORSPEC_FAULT(node_, message_beats_signal))
          throw Unwind{};
        saved_.unlink_after(scanned);
        if (ACTORSPEC_FAULT(node_, skip_order) && scanned) {
          // The skipped ones (the whole prefix up to `scanned`) go behind
          // everything that has arrived.
          {
            std::lock_guard lock(mu_);
            saved_.splice_back(inbox_);
          }
          CellQueue prefix;
          detail::MessageCell* last = scanned;
          for (bool done = false; !done;) {
            done = saved_.front() == last;
            prefix.push_back(saved_.unlink_after(nullptr));
          }
          saved_.splice_back(prefix);
        }
        return Received{clause, Message::adopt(c)};
      }
      scanned = c;
    }
    {
      std::unique_lock lock(mu_);
      // A pending exit beats any message that arrived with or before it.
      if (pending_exit_ && !(ACTORSPEC_FAULT(node_, message_beats_signal) && !inbox_.empty())) throw Unwind{};
      if (!inbox_.empty()) {
        saved_.splice_back(inbox_);
        continue;
      }
      if (deadline && Clock::now() >= *deadline) {
        lock.unlock();
        if (ACTORSPEC_FAULT(node_, timeout_consumes) && !saved_.empty()) delete saved_.unlink_after(nullptr);
        if (!parked) {
          // A poll that found nothing lets others run first (RT-11).
          reductions_ = 0;
          exec.yield(*this);
          if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
        }
        return std::nullopt;
      }
      if (ACTORSPEC_FAULT(node_, lost_wakeup)) {
        // The classic bug: "nothing there" and "I am waiting" in two steps.
        // Only a message's wake is lost: an exit signal is still seen, so
        // shutdown works and the suite fails rather than hangs.
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
        if (pending_exit_) throw Unwind{};
      }
      waiting_ = true;
    }
    parked = true;
    reductions_ = 0;
    const bool woken = exec.park(*this, deadline);
    if (woken && timeout && ACTORSPEC_FAULT(node_, timer_restarts)) deadline = deadline_after(*timeout);
    if (!woken) {
      std::unique_lock lock(mu_);
      if (waiting_) {
        waiting_ = false;  // a true timeout: nobody will wake us
      } else {
        // A sender cleared waiting_ and its wake is in flight: take it now,
        // so the next park does not return early on a stale wake.
        lock.unlock();
        exec.park(*this, std::nullopt);
      }
    }
  }
}

Pid ProcessState::spawn(Body body) {
  enter("spawn");
  return node_.start(std::move(body));
}

Pid ProcessState::spawn_link(Body body) {
  enter("spawn_link");
  return node_.start(std::move(body), [this](ProcessState& child) {
    std::scoped_lock lock(mu_, child.mu_);
    links_.insert(child.pid_);
    child.links_.insert(pid_);
  });
}

std::pair<Pid, Ref> ProcessState::spawn_monitor(Body body) {
  enter("spawn_monitor");
  const Ref ref = node_.make_ref();
  const Pid child_pid = node_.start(std::move(body), [this, ref](ProcessState& child) {
    std::scoped_lock lock(mu_, child.mu_);
    monitors_.emplace(ref, child.pid_);
    child.monitored_by_.emplace(ref, MonitorEntry{pid_, std::nullopt});
  });
  return {child_pid, ref};
}

void ProcessState::link(Pid other) {
  enter("link");
  if (other == pid_) return;
  bool linked = false;
  if (auto o = node_.lookup(other)) {
    std::scoped_lock lock(mu_, o->mu_);
    if (ACTORSPEC_FAULT(node_, link_decided) ? o->alive_ : o->live_locked()) {
      links_.insert(other);
      if (!ACTORSPEC_FAULT(node_, one_way_link)) o->links_.insert(pid_);
      linked = true;
    }
  }
  if (linked || ACTORSPEC_FAULT(node_, link_dead_noop)) return;
  std::lock_guard lock(mu_);
  if (!trap_exit_) throw NoProc(other.to_string());
  inbox_.push_back(Message::of(Exit{other, ExitReason::noproc()}).release());
}

void ProcessState::unlink(Pid other) {
  enter("unlink");
  if (other == pid_) return;  // never linked (LNK-2); locking mu_ twice would deadlock
  if (auto o = node_.lookup(other)) {
    std::scoped_lock lock(mu_, o->mu_);
    links_.erase(other);
    if (!ACTORSPEC_FAULT(node_, unlink_one_side)) o->links_.erase(pid_);
  } else {
    std::lock_guard lock(mu_);
    links_.erase(other);
  }
}

std::vector<Pid> ProcessState::links() {
  enter("links");
  std::lock_guard lock(mu_);
  return {links_.begin(), links_.end()};
}

Ref ProcessState::monitor(Pid target) {
  enter("monitor");
  const Ref ref = node_.make_ref();
  if (target == pid_) return ref;  // monitoring yourself creates nothing (spec/EVIDENCE.md M9)
  {
    std::lock_guard lock(mu_);
    monitors_.emplace(ref, target);
  }
  bool added = false;
  if (auto t = node_.lookup(target)) {
    std::lock_guard lock(t->mu_);
    if (ACTORSPEC_FAULT(node_, monitor_decided) ? t->alive_ : t->live_locked()) {
      t->monitored_by_.emplace(ref, MonitorEntry{pid_, std::nullopt});
      added = true;
    }
  }
  if (ACTORSPEC_FAULT(node_, monitor_dead_silent)) return ref;
  if (!added) node_.deliver_down(pid_, ref, target, std::nullopt, ExitReason::noproc());
  return ref;
}

Ref ProcessState::monitor(std::string_view name) {
  enter("monitor");
  const Ref ref = node_.make_ref();
  const std::optional<Pid> target = node_.registered_pid(name);
  if (target == pid_) return ref;
  {
    std::lock_guard lock(mu_);
    monitors_.emplace(ref, target.value_or(Pid{}));
  }
  bool added = false;
  if (target) {
    if (auto t = node_.lookup(*target)) {
      std::lock_guard lock(t->mu_);
      if (t->live_locked()) {
        t->monitored_by_.emplace(ref, MonitorEntry{pid_, std::string(name)});
        added = true;
      }
    }
  }
  if (!added) node_.deliver_down(pid_, ref, target.value_or(Pid{}), std::string(name), ExitReason::noproc());
  return ref;
}

bool ProcessState::demonitor(Ref ref, DemonitorOption option) {
  enter("demonitor");
  std::optional<Pid> target;
  if (ACTORSPEC_FAULT(node_, demonitor_keeps_monitor)) {
    std::lock_guard lock(mu_);
    return monitors_.count(ref) > 0;
  }
  {
    std::lock_guard lock(mu_);
    if (auto it = monitors_.find(ref); it != monitors_.end()) {
      target = it->second;
      monitors_.erase(it);
    }
  }
  if (target) {
    if (auto t = node_.lookup(*target)) {
      std::lock_guard lock(t->mu_);
      t->monitored_by_.erase(ref);
    }
  }
  if (option == DemonitorOption::flush && !ACTORSPEC_FAULT(node_, flush_keeps_down)) remove_downs_for(ref);
  return target.has_value();
}

void ProcessState::remove_downs_for(Ref ref) {
  {
    std::lock_guard lock(mu_);
    saved_.splice_back(inbox_);
  }
  detail::MessageCell* prev = nullptr;
  for (auto* c = saved_.front(); c;) {
    Message view = Message::adopt(c);
    const Down* d = view.peek<Down>();
    const bool drop = d && d->ref == ref;
    view.release();
    if (drop) {
      auto* next = c->next;
      delete saved_.unlink_after(prev);
      c = next;
    } else {
      prev = c;
      c = c->next;
    }
  }
}

bool ProcessState::trap_exit(bool on) {
  enter("trap_exit");
  std::lock_guard lock(mu_);
  const bool old = std::exchange(trap_exit_, on);
  return ACTORSPEC_FAULT(node_, trap_flag_returns_new) ? on : old;
}

bool ProcessState::trapping_exits() const {
  std::lock_guard lock(mu_);
  return trap_exit_;
}

void ProcessState::exit(Pid target, ExitReason reason) {
  enter("exit");
  node_.signal_exit(target, pid_, reason, SignalKind::exit2);
  // A signal to yourself takes effect before exit/2 returns.
  if (target == pid_ && exiting_.load(std::memory_order_acquire)) throw Unwind{};
}

bool ProcessState::is_alive(Pid p) {
  enter("is_alive");
  return node_.is_alive(p);
}

void ProcessState::register_name(std::string name, Pid p) {
  enter("register_name");
  node_.register_name(std::move(name), p);
}

void ProcessState::unregister_name(std::string_view name) {
  enter("unregister_name");
  node_.unregister_name(name);
}

std::optional<Pid> ProcessState::whereis(std::string_view name) {
  enter("whereis");
  return node_.whereis(name);
}

std::vector<std::string> ProcessState::registered() {
  enter("registered");
  return node_.registered_names();
}

std::size_t ProcessState::mailbox_size() {
  enter("mailbox_size");
  std::lock_guard lock(mu_);
  return inbox_.size() + saved_.size();
}

}  // namespace actorspec::core

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

void ProcessState::reuse(Pid pid, Body body) {
  pid_.store(pid, std::memory_order_relaxed);
  body_ = std::move(body);
  // Everything else is as retire() (or the constructor) left it.
}

void ProcessState::retire() noexcept {
  // The executor's per-process data first (Executor::launch: the slot goes
  // with the process).
  slot.reset();
  body_ = nullptr;
  CellQueue unread;
  {
    std::lock_guard lock(mu_);
    alive_ = true;
    named_ = false;
    pending_exit_.reset();
    exiting_.store(false, std::memory_order_relaxed);
    trap_exit_ = false;
    if (rel_) rel_->clear();  // kept for the next process
  }
  // Nobody holds this object now, so nobody can push meanwhile.
  mailbox_.close(unread);
  mailbox_.reopen();
  unread.clear();
  matching_ = false;
  reductions_ = 0;
}

void ProcessState::drop_ref() noexcept {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) node_.recycle(this);
}

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

Relations& ProcessState::relations() {
  if (!rel_) rel_ = std::make_unique<Relations>();
  return *rel_;
}

void ProcessState::wake_if(bool need) {
  if (need) wake();
}

void ProcessState::wake() { node_.executor().wake(*this); }

void ProcessState::wake_if_parked() { wake_if(mailbox_.take_parked()); }

bool ProcessState::live() const {
  std::lock_guard lock(mu_);
  return live_locked();
}

bool ProcessState::not_ended() const {
  std::lock_guard lock(mu_);
  return alive_;
}

bool ProcessState::mark_named_if_live() {
  std::lock_guard lock(mu_);
  if (!live_locked()) return false;
  named_ = true;
  return true;
}

bool ProcessState::accept_exit_signal(Pid from, const ExitReason& reason, SignalKind kind) {
  std::lock_guard lock(mu_);
  if (!alive_ || pending_exit_) return false;
  // An unlinked pair no longer exchanges link signals, even ones in flight.
  if (kind == SignalKind::link && (!links_if_any() || links_if_any()->erase(from) == 0)) return false;

  if (kind == SignalKind::forced) {
    pending_exit_ = std::make_unique<ExitReason>(reason);
  } else if (kind == SignalKind::exit2 && reason.kind() == ExitReason::Kind::kill &&
             !(ACTORSPEC_FAULT(node_, trappable_kill) && trap_exit_)) {
    pending_exit_ = std::make_unique<ExitReason>(ExitReason::killed());
  } else if (ACTORSPEC_FAULT(node_, body_kill_untrappable) && reason.kind() == ExitReason::Kind::kill) {
    pending_exit_ = std::make_unique<ExitReason>(ExitReason::killed());
  } else if (trap_exit_) {
    if (ACTORSPEC_FAULT(node_, trap_drops_normal) && reason.is_normal()) return false;
    auto* cell = Message::of(Exit{from, reason}).release();
#ifdef ACTORSPEC_MUTANTS
    if (ACTORSPEC_FAULT(node_, exit_overtakes)) return mailbox_.push_ahead(cell);
#endif
    // Under mu, so no end() can close the mailbox meanwhile: alive_ holds.
    return mailbox_.push(cell) == Mailbox::Push::queued_wake;
  } else if (reason.is_normal()) {
    if (from != pid() && !ACTORSPEC_FAULT(node_, exit_normal_kills)) return false;  // normal from another process is ignored
    pending_exit_ = std::make_unique<ExitReason>(reason);
  } else {
    pending_exit_ = std::make_unique<ExitReason>(reason);
  }
  // Stored before the parked mark is taken, both sequentially consistent:
  // a receive that parks after this sees it (receive_matching).
  exiting_.store(true, std::memory_order_seq_cst);
  return mailbox_.take_parked();
}

bool ProcessState::accept_down(Ref ref, Pid dead, std::optional<std::string> name, const ExitReason& reason) {
  std::lock_guard lock(mu_);
  if (!alive_ || !held_if_any() || held_if_any()->erase(ref) == 0) return false;
  auto* cell = Message::of(Down{ref, dead, std::move(name), reason}).release();
#ifdef ACTORSPEC_MUTANTS
  if (ACTORSPEC_FAULT(node_, down_overtakes)) return mailbox_.push_ahead(cell);
#endif
  return mailbox_.push(cell) == Mailbox::Push::queued_wake;
}

void ProcessState::mark_shutdown() {
  std::lock_guard lock(mu_);
  if (!alive_ || pending_exit_) return;
  pending_exit_ = std::make_unique<ExitReason>(ExitReason::shutdown());
  exiting_.store(true, std::memory_order_seq_cst);
}

Ending ProcessState::end() {
  Ending out;
  CellQueue unread;  // freed outside the lock: a message's destructor is user code
  {
    std::lock_guard lock(mu_);
    alive_ = false;
    if (auto* l = links_if_any()) out.links.swap(*l);
    if (auto* w = watchers_if_any()) out.watchers.swap(*w);
    if (auto* h = held_if_any()) out.held.swap(*h);
    out.named = named_;
    named_ = false;
  }
  mailbox_.close(unread);
  if (ACTORSPEC_FAULT(node_, mailbox_kept)) (new CellQueue)->splice_back(unread);  // leaked on purpose
  unread.clear();
  return out;
}

void ProcessState::forget_link(Pid other) {
  std::lock_guard lock(mu_);
  if (auto* l = links_if_any()) l->erase(other);
}

void ProcessState::forget_watcher(Ref ref) {
  std::lock_guard lock(mu_);
  if (auto* w = watchers_if_any()) w->erase(ref);
}

void ProcessState::forget_monitor(Ref ref) {
  std::lock_guard lock(mu_);
  if (auto* h = held_if_any()) h->erase(ref);
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
#ifdef ACTORSPEC_MUTANTS
  if (ACTORSPEC_FAULT(node_, reorder_under_load) && mailbox_.unfetched() >= 1000 && mailbox_.unfetched() % 100 == 0) {
    std::lock_guard lock(mu_);
    if (!alive_) {
      delete cell;
      return;
    }
    wake_if(mailbox_.push_ahead(cell));
    return;
  }
#endif
  switch (mailbox_.push(cell)) {
    case Mailbox::Push::queued: break;
    case Mailbox::Push::queued_wake: wake(); break;
    case Mailbox::Push::closed: delete cell; break;  // the process has ended: dropped
  }
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
  if (matching_)
    throw BadArg("receive called inside a receive guard; a guard must only look at the message it is given");
  std::optional<Clock::time_point> deadline;
  if (timeout) {
    if (timeout->count() < 0) throw InvalidTimeout();
    deadline = deadline_after(*timeout);
    if (ACTORSPEC_FAULT(node_, early_timeout)) deadline = deadline_after(*timeout / 2);
    if (ACTORSPEC_FAULT(node_, timeout_capped) && *timeout >= std::chrono::milliseconds(1LL << 32)) deadline = Clock::now();
  }
  Executor& exec = node_.executor();
  CellQueue& saved = mailbox_.saved();
  // Cells up to and including `scanned` were tried by this receive and did
  // not match; new arrivals are only ever appended after them.
  detail::MessageCell* scanned = nullptr;
  bool parked = false;
  for (;;) {
    if (ACTORSPEC_FAULT(node_, clause_order_first)) {
      if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
      mailbox_.fetch();
      detail::MessageCell *best = nullptr, *best_prev = nullptr, *prev = nullptr;
      int best_clause = -1;
      for (auto* c = saved.front(); c; prev = c, c = c->next) {
        const int clause = match_cell(match, c);
        if (clause >= 0 && (best_clause < 0 || clause < best_clause)) {
          best = c;
          best_prev = prev;
          best_clause = clause;
        }
      }
      if (best) {
        saved.unlink_after(best_prev);
        return Received{best_clause, Message::adopt(best)};
      }
      scanned = saved.back();
    }
    for (auto* c = scanned ? scanned->next : saved.front(); c; c = c->next) {
      matching_ = true;
      struct Done {
        bool& flag;
        ~Done() { flag = false; }
      } done{matching_};
      const int clause = match_cell(match, c);
      if (clause >= 0) {
        // Checked again once a clause is chosen and before it runs: a signal
        // accepted while this receive woke up or scanned still wins (ORD-9).
        if (exiting_.load(std::memory_order_acquire) && !ACTORSPEC_FAULT(node_, ord9_no_recheck) &&
            !ACTORSPEC_FAULT(node_, message_beats_signal))
          throw Unwind{};
        saved.unlink_after(scanned);
        if (ACTORSPEC_FAULT(node_, skip_order) && scanned) {
          // The skipped ones (the whole prefix up to `scanned`) go behind
          // everything that has arrived.
          mailbox_.fetch();
          CellQueue prefix;
          detail::MessageCell* last = scanned;
          for (bool done = false; !done;) {
            done = saved.front() == last;
            prefix.push_back(saved.unlink_after(nullptr));
          }
          saved.splice_back(prefix);
        }
        return Received{clause, Message::adopt(c)};
      }
      scanned = c;
    }
    // A pending exit beats any message that arrived with or before it.
    if (exiting_.load(std::memory_order_acquire) &&
        !(ACTORSPEC_FAULT(node_, message_beats_signal) && mailbox_.has_unfetched()))
      throw Unwind{};
    if (mailbox_.fetch()) continue;
    if (deadline && Clock::now() >= *deadline) {
      if (ACTORSPEC_FAULT(node_, timeout_consumes) && !saved.empty()) delete saved.unlink_after(nullptr);
      if (!parked) {
        // A poll that found nothing lets others run first (RT-11).
        reductions_ = 0;
        exec.yield(*this);
        if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
      }
      return std::nullopt;
    }
    if (ACTORSPEC_FAULT(node_, lost_wakeup)) {
      // The classic bug: "nothing there" and "I am waiting" in two steps:
      // a message pushed between them does not wake us. Only a message's
      // wake is lost: an exit signal is still seen (we look every few
      // milliseconds), so shutdown works and the suite fails rather than
      // hangs.
#ifdef ACTORSPEC_MUTANTS
      const std::size_t seen = mailbox_.unfetched();
      std::this_thread::yield();
      if (!mailbox_.try_park()) {
        // Something came meanwhile, but we park as if it had not: only a
        // later push (or a signal, or the deadline) gets us going again.
        while (!exiting_.load(std::memory_order_acquire) && mailbox_.unfetched() == seen) {
          if (deadline && *deadline <= Clock::now()) return std::nullopt;
          const auto nap = Clock::now() + std::chrono::milliseconds(5);
          exec.park(*this, deadline ? std::min(*deadline, nap) : nap);
        }
        continue;
      }
#endif
    } else if (!mailbox_.try_park()) {
      continue;  // something arrived since fetch
    }
    // Parked mark set, then the signal flag read, both sequentially
    // consistent (accept_exit_signal does the reverse): either we see the
    // signal here or its sender sees the mark and wakes us.
    if (exiting_.load(std::memory_order_seq_cst)) {
      if (!mailbox_.unpark()) exec.park(*this, std::nullopt);  // its wake is in flight: take it
      throw Unwind{};
    }
    parked = true;
    reductions_ = 0;
    const bool woken = exec.park(*this, deadline);
    if (woken && timeout && ACTORSPEC_FAULT(node_, timer_restarts)) deadline = deadline_after(*timeout);
    // A true timeout: take the mark back. If a sender took it first, its
    // wake is in flight: take it now, so the next park does not return
    // early on a stale wake.
    if (!woken && !mailbox_.unpark()) exec.park(*this, std::nullopt);
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
    Relations::Links& mine = relations().links();
    Relations::Links& its = child.relations().links();
    mine.insert(child.pid());
    its.insert(pid());
  });
}

std::pair<Pid, Ref> ProcessState::spawn_monitor(Body body) {
  enter("spawn_monitor");
  const Ref ref = node_.make_ref();
  const Pid child_pid = node_.start(std::move(body), [this, ref](ProcessState& child) {
    std::scoped_lock lock(mu_, child.mu_);
    Relations::Held& mine = relations().held();
    Relations::Watchers& its = child.relations().watchers();
    mine.emplace(ref, child.pid());
    its.emplace(ref, MonitorEntry{pid(), std::nullopt});
  });
  return {child_pid, ref};
}

void ProcessState::link(Pid other) {
  enter("link");
  if (other == pid()) return;
  bool linked = false;
  if (auto o = node_.lookup(other)) {
    std::scoped_lock lock(mu_, o->mu_);
    if (ACTORSPEC_FAULT(node_, link_decided) ? o->alive_ : o->live_locked()) {
      Relations::Links& mine = relations().links();
      Relations::Links& its = o->relations().links();
      mine.insert(other);
      if (!ACTORSPEC_FAULT(node_, one_way_link)) its.insert(pid());
      linked = true;
    }
  }
  if (linked || ACTORSPEC_FAULT(node_, link_dead_noop)) return;
  if (!trapping_exits()) throw NoProc(other.to_string());
  deliver(Message::of(Exit{other, ExitReason::noproc()}).release());
}

void ProcessState::unlink(Pid other) {
  enter("unlink");
  if (other == pid_) return;  // never linked (LNK-2); locking mu_ twice would deadlock
  if (auto o = node_.lookup(other)) {
    std::scoped_lock lock(mu_, o->mu_);
    if (auto* l = links_if_any()) l->erase(other);
    if (auto* l = o->links_if_any(); l && !ACTORSPEC_FAULT(node_, unlink_one_side)) l->erase(pid());
  } else {
    std::lock_guard lock(mu_);
    if (auto* l = links_if_any()) l->erase(other);
  }
}

std::vector<Pid> ProcessState::links() {
  enter("links");
  std::lock_guard lock(mu_);
  const Relations::Links* l = links_if_any();
  if (!l) return {};
  return {l->begin(), l->end()};
}

Ref ProcessState::monitor(Pid target) {
  enter("monitor");
  const Ref ref = node_.make_ref();
  if (target == pid()) return ref;  // monitoring yourself creates nothing (spec/EVIDENCE.md M9)
  {
    std::lock_guard lock(mu_);
    relations().held().emplace(ref, target);
  }
  bool added = false;
  if (auto t = node_.lookup(target)) {
    std::lock_guard lock(t->mu_);
    if (ACTORSPEC_FAULT(node_, monitor_decided) ? t->alive_ : t->live_locked()) {
      t->relations().watchers().emplace(ref, MonitorEntry{pid(), std::nullopt});
      added = true;
    }
  }
  if (ACTORSPEC_FAULT(node_, monitor_dead_silent)) return ref;
  if (!added) node_.deliver_down(pid(), ref, target, std::nullopt, ExitReason::noproc());
  return ref;
}

Ref ProcessState::monitor(std::string_view name) {
  enter("monitor");
  const Ref ref = node_.make_ref();
  const std::optional<Pid> target = node_.registry().find(name);
  if (target == pid()) return ref;
  {
    std::lock_guard lock(mu_);
    relations().held().emplace(ref, target.value_or(Pid{}));
  }
  bool added = false;
  if (target) {
    if (auto t = node_.lookup(*target)) {
      std::lock_guard lock(t->mu_);
      if (t->live_locked()) {
        t->relations().watchers().emplace(ref, MonitorEntry{pid(), std::string(name)});
        added = true;
      }
    }
  }
  if (!added) node_.deliver_down(pid(), ref, target.value_or(Pid{}), std::string(name), ExitReason::noproc());
  return ref;
}

bool ProcessState::demonitor(Ref ref, DemonitorOption option) {
  enter("demonitor");
  if (option == DemonitorOption::flush && matching_)
    throw BadArg("demonitor with flush called inside a receive guard; it would remove messages the receive is scanning");
  std::optional<Pid> target;
  if (ACTORSPEC_FAULT(node_, demonitor_keeps_monitor)) {
    std::lock_guard lock(mu_);
    return held_if_any() && held_if_any()->count(ref) > 0;
  }
  {
    std::lock_guard lock(mu_);
    if (auto* h = held_if_any())
      if (auto it = h->find(ref); it != h->end()) {
        target = it->second;
        h->erase(it);
      }
  }
  if (target) {
    if (auto t = node_.lookup(*target)) {
      std::lock_guard lock(t->mu_);
      if (auto* w = t->watchers_if_any()) w->erase(ref);
    }
  }
  if (option == DemonitorOption::flush && !ACTORSPEC_FAULT(node_, flush_keeps_down)) remove_downs_for(ref);
  return target.has_value();
}

void ProcessState::remove_downs_for(Ref ref) {
  mailbox_.fetch();
  CellQueue& saved = mailbox_.saved();
  detail::MessageCell* prev = nullptr;
  for (auto* c = saved.front(); c;) {
    Message view = Message::adopt(c);
    const Down* d = view.peek<Down>();
    const bool drop = d && d->ref == ref;
    view.release();
    if (drop) {
      auto* next = c->next;
      delete saved.unlink_after(prev);
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
  node_.signal_exit(target, pid(), reason, SignalKind::exit2);
  // A signal to yourself takes effect before exit/2 returns.
  if (target == pid() && exiting_.load(std::memory_order_acquire)) throw Unwind{};
}

bool ProcessState::is_alive(Pid p) {
  enter("is_alive");
  return node_.is_alive(p);
}

void ProcessState::register_name(std::string name, Pid p) {
  enter("register_name");
  node_.registry().add(std::move(name), p);
}

void ProcessState::unregister_name(std::string_view name) {
  enter("unregister_name");
  node_.registry().remove(name);
}

std::optional<Pid> ProcessState::whereis(std::string_view name) {
  enter("whereis");
  return node_.whereis(name);
}

std::vector<std::string> ProcessState::registered() {
  enter("registered");
  return node_.registry().names();
}

std::size_t ProcessState::mailbox_size() {
  enter("mailbox_size");
  mailbox_.fetch();
  return mailbox_.saved().size();
}

}  // namespace actorspec::core

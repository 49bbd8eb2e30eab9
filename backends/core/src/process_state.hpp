#pragma once
// One process: its mailbox, links, monitors and exit state, and the
// Process interface its body calls. All fields marked "mu" are guarded by
// `mu`; "owner" fields are touched only by the process itself. The node
// asks it to accept signals (accept_exit_signal, accept_down, mark_shutdown)
// rather than editing its fields.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "actorspec/core/executor.hpp"
#include "actorspec/process.hpp"
#include "cell_queue.hpp"
#include "mailbox.hpp"

namespace actorspec::core {

class Node;

// Thrown inside a process to unwind its body once an exit signal has ended
// it. Not a std::exception, so `catch (const std::exception&)` lets it pass.
struct Unwind {};

struct MonitorEntry {
  Pid watcher;
  std::optional<std::string> name;  // set for a monitor taken by name
};

// How an exit signal was sent; decides trapping and kill semantics.
enum class SignalKind {
  link,    // the sender ended and was linked to the receiver
  exit2,   // exit(Pid, Reason): `kill` here is untrappable and becomes `killed`
  forced,  // runtime shutdown: untrappable, the reason is kept
};

// A process's links and monitors, and the hook Runtime::run waits on. Most
// processes never have any, and most others one kind (a link to, or a
// monitor from, whoever started them), while an empty hash container is 56
// bytes. So a process points to this box, allocated with its first
// relation, and the box to each container, allocated with its first entry.
// A recycled object keeps what it has, emptied, so a spawn_link or
// spawn_monitor child usually allocates nothing here.
class Relations {
 public:
  using Links = std::unordered_set<Pid>;
  using Watchers = std::unordered_map<Ref, MonitorEntry>;  // monitors others hold on us
  using Held = std::unordered_map<Ref, Pid>;               // monitors we hold
  using OnExit = std::function<void(const ExitReason&)>;

  // Made on first use: may throw std::bad_alloc, as adding an entry may.
  Links& links() { return made(links_); }
  Watchers& watchers() { return made(watchers_); }
  Held& held() { return made(held_); }
  OnExit& on_exit() { return made(on_exit_); }
  // Null until made.
  Links* links_if_any() const { return links_.get(); }
  Watchers* watchers_if_any() const { return watchers_.get(); }
  Held* held_if_any() const { return held_.get(); }
  OnExit* on_exit_if_any() const { return on_exit_.get(); }

  // Empties everything and keeps the containers, for the object's next process.
  void clear() noexcept {
    if (links_) links_->clear();
    if (watchers_) watchers_->clear();
    if (held_) held_->clear();
    if (on_exit_) *on_exit_ = nullptr;
  }

 private:
  template <class T>
  static T& made(std::unique_ptr<T>& p) {
    if (!p) p = std::make_unique<T>();
    return *p;
  }

  std::unique_ptr<Links> links_;
  std::unique_ptr<Watchers> watchers_;
  std::unique_ptr<Held> held_;
  std::unique_ptr<OnExit> on_exit_;  // set before launch, by Runtime::run only
};

// What an ended process leaves for the node to notify.
struct Ending {
  std::unordered_set<Pid> links;
  std::unordered_map<Ref, MonitorEntry> watchers;  // monitors others held on it
  std::unordered_map<Ref, Pid> held;               // monitors it held
  bool named = false;                              // it held a name in the registry
};

class ProcessState final : public Schedulable, public Process {
 public:
  // Made once per pool slot by the node; reuse() readies it for a process.
  ProcessState(Node& node, std::uint8_t pool_shard) : node_(node), pool_shard_(pool_shard) {}

  // ---- Process ----
  // After the process ended: its pid until the object serves a later
  // process (SPEC ERR-12).
  Pid self() const override { return pid(); }
  Runtime& runtime() override;
  void send_message(Pid to, Message m) override;
  void send_message(std::string_view name, Message m) override;
  std::optional<Received> receive_matching(MatchRef match, std::optional<std::chrono::nanoseconds> timeout) override;
  Pid spawn(Body body) override;
  Pid spawn_link(Body body) override;
  std::pair<Pid, Ref> spawn_monitor(Body body) override;
  void link(Pid other) override;
  void unlink(Pid other) override;
  std::vector<Pid> links() override;
  Ref monitor(Pid target) override;
  Ref monitor(std::string_view name) override;
  bool demonitor(Ref ref, DemonitorOption option) override;
  bool trap_exit(bool on) override;
  bool trapping_exits() const override;
  using Process::exit;
  void exit(Pid target, ExitReason reason) override;
  bool is_alive(Pid p) override;
  void register_name(std::string name, Pid p) override;
  void unregister_name(std::string_view name) override;
  std::optional<Pid> whereis(std::string_view name) override;
  std::vector<std::string> registered() override;
  std::size_t mailbox_size() override;

  // ---- used by the core ----
  Pid pid() const { return pid_.load(std::memory_order_relaxed); }
  // References (ProcessPtr): the last one gone returns the object to the
  // node's pool.
  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  // A reference for a lookup that found the object without holding one:
  // refused once nobody holds it (it is free or being recycled). Acquire,
  // so the caller sees what the drop that freed it published.
  bool try_add_ref() noexcept {
    std::uint32_t n = refs_.load(std::memory_order_relaxed);
    do {
      if (n == 0) return false;
    } while (!refs_.compare_exchange_weak(n, n + 1, std::memory_order_acquire, std::memory_order_relaxed));
    return true;
  }
  void drop_ref() noexcept;
  // Which of the process table's free lists this object returns to.
  std::size_t pool_shard() const { return pool_shard_; }
  // The node's object pool: readies a fresh or retired object for a new
  // process, and releases what an ended one still holds.
  void reuse(Pid pid, Body body);
  void retire() noexcept;
  // Runs the body and ends the process; the backend's entry point.
  void run();
  // Appends a message; dropped and freed if the process has ended. Any thread.
  void deliver(detail::MessageCell* cell);

  // ---- what the node asks of a process (any thread) ----
  // Each returns whether the process was parked: the caller then calls wake().
  bool accept_exit_signal(Pid from, const ExitReason& reason, SignalKind kind);
  // Gone from our monitors means demonitor won the race: no Down.
  bool accept_down(Ref ref, Pid dead, std::optional<std::string> name, const ExitReason& reason);
  // Decides the process ends with `shutdown` unless its end is decided.
  void mark_shutdown();
  // Wakes the process if it is parked (after mark_shutdown).
  void wake_if_parked();
  void wake();
  // Alive for every pid and name operation: not ended and no exit signal
  // has ended it yet (LNK-18, SPEC "alive").
  bool live() const;
  // Not ended yet, though its end may be decided (for fault switches).
  bool not_ended() const;
  // For the registry: marks the process as holding a name if it is live.
  bool mark_named_if_live();
  // Ends the process (no more messages, links, monitors): returns what the
  // node must notify. Unread messages are freed here, outside the lock.
  Ending end();
  // Cleanup of a partner that ended or was abandoned.
  void forget_link(Pid other);
  void forget_watcher(Ref ref);
  void forget_monitor(Ref ref);
  // Runs once when the process ends (Runtime::run waits on it). Set before launch.
  // Under mu: the process is in the table already, where a monitor may
  // reach it (and box its relations) meanwhile.
  void on_exit(std::function<void(const ExitReason&)> f) {
    std::lock_guard lock(mu_);
    relations().on_exit() = std::move(f);
  }
  // After end(), which took mu: nobody boxes relations for an ended process.
  void notify_exit(const ExitReason& reason) {
    if (Relations::OnExit* f = rel_ ? rel_->on_exit_if_any() : nullptr; f && *f) (*f)(reason);
  }

 private:
  // Throws NotInProcess unless called by this live process; then applies a
  // pending exit signal (the BEAM would have ended us already).
  void enter(const char* what);
  // Under mu: whether the process counts as alive for every pid and name
  // operation (is_alive, link, monitor, register_name, send by name): it has
  // not ended and no exit signal has ended it yet (LNK-18, SPEC "alive").
  bool live_locked() const { return alive_ && !pending_exit_; }
  void wake_if(bool need);
  // The box of links and monitors (mu, or before launch), allocated on
  // first use: may throw std::bad_alloc, as adding to a set may.
  Relations& relations();
  // Null when the process has none of that kind (mu).
  Relations::Links* links_if_any() const { return rel_ ? rel_->links_if_any() : nullptr; }
  Relations::Watchers* watchers_if_any() const { return rel_ ? rel_->watchers_if_any() : nullptr; }
  Relations::Held* held_if_any() const { return rel_ ? rel_->held_if_any() : nullptr; }
  void remove_downs_for(Ref ref);

  // Runtime calls a process makes between two chances for others to run.
  static constexpr unsigned kReductionsPerSlice = 64;

  // (Ordered so that the object has no padding: it is most of an idle
  // process's heap, see perf memory/idle_process.)
  Node& node_;
  std::atomic<std::uint32_t> refs_{0};
  unsigned reductions_ = 0;  // owner: runtime calls since it last let others run (RT-11)
  // Atomic: a Process& kept after its process ended may ask self() while
  // the object is readied for another process.
  std::atomic<Pid> pid_{};
  Body body_;

  mutable std::mutex mu_;
  const std::uint8_t pool_shard_;
  bool alive_ = true;                                  // mu
  bool named_ = false;                                 // mu: holds a name in the registry
  bool trap_exit_ = false;                             // mu
  std::atomic<bool> exiting_{false};                   // pending_exit_ is set; read without mu
  // owner: a receive is running a guard, which may not receive or flush
  // (they would free or move the cell being matched: SPEC ERR-13).
  bool matching_ = false;
  // mu: a signal ended us. Boxed: most processes never get one, and a
  // pointer is a tenth of an inline ExitReason.
  std::unique_ptr<ExitReason> pending_exit_;
  // mu: null until the process (or a recycled one before it) first linked,
  // monitored or was monitored; see Relations.
  std::unique_ptr<Relations> rel_;

  // Senders push without any lock; the saved queue inside is the owner's.
  Mailbox mailbox_;
};

}  // namespace actorspec::core

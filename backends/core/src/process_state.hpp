#pragma once
// One process: its mailbox, links, monitors and exit state, and the
// Process interface its body calls. All fields marked "mu" are guarded by
// `mu`; "owner" fields are touched only by the process itself.

#include <atomic>
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

namespace actorspec::core {

class Node;

// Thrown inside a process to unwind its body once an exit signal has ended
// it. Not a std::exception, so `catch (const std::exception&)` lets it pass.
struct Unwind {};

struct MonitorEntry {
  Pid watcher;
  std::optional<std::string> name;  // set for a monitor taken by name
};

class ProcessState final : public Schedulable, public Process {
 public:
  ProcessState(Node& node, Pid pid, Body body);

  // ---- Process ----
  Pid self() const override { return pid_; }
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
  Pid pid() const { return pid_; }
  // Runs the body and ends the process; the backend's entry point.
  void run();
  // Appends a message; dropped if the process has ended. Any thread.
  void deliver(detail::MessageCell* cell);
  // Node (node.cpp) ends processes and delivers their signals.
  friend class Node;

 private:
  // Throws NotInProcess unless called by this live process; then applies a
  // pending exit signal (the BEAM would have ended us already).
  void enter(const char* what);
  // Under mu: whether the process counts as alive for every pid and name
  // operation (is_alive, link, monitor, register_name, send by name): it has
  // not ended and no exit signal has ended it yet (LNK-18, SPEC "alive").
  bool live_locked() const { return alive_ && !pending_exit_; }
  // Under mu: wakes the process if it is parked. Returns whether to call wake.
  bool take_waiter_locked();
  void wake_if(bool need);
  void remove_downs_for(Ref ref);

  // Runtime calls a process makes between two chances for others to run.
  static constexpr unsigned kReductionsPerSlice = 64;

  Node& node_;
  const Pid pid_;
  Body body_;

  mutable std::mutex mu_;
  CellQueue inbox_;                                    // mu: senders append here
  bool waiting_ = false;                               // mu: parked, or about to park
  bool alive_ = true;                                  // mu
  std::optional<ExitReason> pending_exit_;             // mu: a signal ended us
  std::atomic<bool> exiting_{false};                   // pending_exit_ is set; read without mu
  bool trap_exit_ = false;                             // mu
  std::unordered_set<Pid> links_;                      // mu
  std::unordered_map<Ref, MonitorEntry> monitored_by_;  // mu: monitors others hold on us
  std::unordered_map<Ref, Pid> monitors_;              // mu: monitors we hold
  std::function<void(const ExitReason&)> on_exit_;     // set before launch

  CellQueue saved_;  // owner: messages taken from inbox_, scanned, not yet matched
  unsigned reductions_ = 0;  // owner: runtime calls since it last let others run (RT-11)

  std::string name_;  // guarded by the node's name registry lock
};

}  // namespace actorspec::core

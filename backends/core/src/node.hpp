#pragma once
// The runtime every backend shares: process table, name registry, and the
// delivery of exit signals and monitor notifications.

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actorspec/core/executor.hpp"
#include "actorspec/runtime.hpp"
#include "faults.hpp"
#include "process_state.hpp"

namespace actorspec::core {

using ProcessPtr = std::shared_ptr<ProcessState>;

// How an exit signal was sent; decides trapping and kill semantics.
enum class SignalKind {
  link,    // the sender ended and was linked to the receiver
  exit2,   // exit(Pid, Reason): `kill` here is untrappable and becomes `killed`
  forced,  // runtime shutdown: untrappable, the reason is kept
};

class Node final : public Runtime {
 public:
  Node(std::string backend, std::unique_ptr<Executor> executor);
  ~Node() override;

  // ---- Runtime ----
  std::string_view backend() const override { return backend_; }
  unsigned workers() const override { return executor_->workers(); }
  Pid spawn(Body body) override;
  ExitReason run(Body body) override;
  void send_message(Pid to, Message m) override;
  void send_message(std::string_view name, Message m) override;
  void exit(Pid target, ExitReason reason) override;
  bool is_alive(Pid p) override;
  std::optional<Pid> whereis(std::string_view name) override;
  std::size_t process_count() const override;
  void shutdown() override;

  // ---- for ProcessState ----
  Executor& executor() { return *executor_; }
  ProcessPtr lookup(Pid p) const;
  Ref make_ref() { return Ref(next_ref_.fetch_add(1, std::memory_order_relaxed)); }
  // Creates a process; `setup` runs on it before it can run (links, monitors).
  Pid start(Body body, const std::function<void(ProcessState&)>& setup = {});
  void deliver(Pid to, Message m);
  void deliver_by_name(std::string_view name, Message m);
  void signal_exit(ProcessState& target, Pid from, const ExitReason& reason, SignalKind kind);
  void signal_exit(Pid target, Pid from, const ExitReason& reason, SignalKind kind);
  void deliver_down(Pid watcher, Ref ref, Pid dead, std::optional<std::string> name, const ExitReason& reason);
  // Ends `p` (in its own context, after its body unwound): the only way out.
  void terminate(ProcessState& p, const ExitReason& reason);

  void register_name(std::string name, Pid p);
  void unregister_name(std::string_view name);
#ifdef ACTORSPEC_MUTANTS
  Fault fault() const { return fault_; }
  Fault fault_ = Fault::none;
#endif
  std::optional<Pid> registered_pid(std::string_view name);
  std::vector<std::string> registered_names();

 private:
  static constexpr std::size_t kShards = 32;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<Pid, ProcessPtr> processes;
  };
  Shard& shard(Pid p) const { return shards_[p.id() % kShards]; }

  const std::string backend_;
  std::unique_ptr<Executor> executor_;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<std::uint64_t> next_pid_{1};
  std::atomic<std::uint64_t> next_ref_{1};
  std::atomic<std::size_t> live_{0};
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  std::once_flag shutdown_once_;

  // Held across "check stopping, insert" in start and "set stopping, mark
  // every process" in shutdown, so no process appears after the sweep and a
  // spawn refused for stopping comes from a process already marked.
  std::mutex lifecycle_mu_;
  bool stopping_ = false;

  // Under names_mu_: see the comment above Node::register_name.
  bool holder_live_locked(Pid holder) const;
  void drop_dead_holder_locked(std::unordered_map<std::string, Pid>::iterator it);

  std::mutex names_mu_;
  std::unordered_map<std::string, Pid> names_;
};

}  // namespace actorspec::core

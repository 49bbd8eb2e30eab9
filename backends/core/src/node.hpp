#pragma once
// The runtime every backend shares: the process table and object pool, the
// name registry (Registry), and the delivery of exit signals and monitor
// notifications to processes (each ProcessState decides what a signal does
// to it).

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actorspec/core/executor.hpp"
#include "actorspec/runtime.hpp"
#include "faults.hpp"
#include "process_ptr.hpp"
#include "process_state.hpp"
#include "registry.hpp"

namespace actorspec::core {

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
  Ref make_ref();
  // Creates a process; `setup` runs on it before it can run (links, monitors).
  Pid start(Body body, const std::function<void(ProcessState&)>& setup = {});
  void deliver(Pid to, Message m);
  void deliver_by_name(std::string_view name, Message m);
  void signal_exit(ProcessState& target, Pid from, const ExitReason& reason, SignalKind kind);
  void signal_exit(Pid target, Pid from, const ExitReason& reason, SignalKind kind);
  void deliver_down(Pid watcher, Ref ref, Pid dead, std::optional<std::string> name, const ExitReason& reason);
  // Ends `p` (in its own context, after its body unwound): the only way out.
  void terminate(ProcessState& p, const ExitReason& reason);
  // Undoes a start whose launch failed: as if the process never existed.
  void abandon(ProcessState& p);
  // Retires an object no ProcessPtr holds and returns it to its pool.
  void recycle(ProcessState* p) noexcept;

  Registry& registry() { return registry_; }
#ifdef ACTORSPEC_MUTANTS
  Fault fault() const { return fault_; }
  Fault fault_ = Fault::none;
#endif

 private:
  static constexpr std::size_t kShards = 32;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<Pid, ProcessPtr> processes;
  };
  Shard& shard(Pid p) const { return shards_[p.id() % kShards]; }

  // Process objects are never freed while the runtime lives: once nothing
  // of the core holds one, it waits here for the next spawn. A Process& a
  // body let escape thus stays safe to call after its process ended (every
  // process-only call throws NotInProcess: SPEC ERR-12), and the memory
  // kept is that of the most processes ever alive at once.
  ProcessPtr make_process(Pid pid, Body body);
  // Takes an ended or abandoned process out of the table and the count.
  void forget(ProcessState& p);
  [[noreturn]] void refuse_spawn_stopping();

  // The pool in a few shards, each with its own lock, so concurrent spawns
  // and ends on different threads do not queue on one lock. A thread takes
  // from its own shard first; an object goes back to the shard it came from.
  static constexpr std::size_t kPoolShards = 8;
  struct PoolShard {
    std::mutex mu;
    std::deque<ProcessState> objects;  // mu: this shard's objects, for the runtime's life
    // mu: those no process uses now, linked through next_unused: recycling
    // allocates nothing, and the pool costs no bytes per object beyond it.
    ProcessState* unused = nullptr;
  };
  PoolShard& home_pool(const ProcessState& p);

  const std::string backend_;
  // Declared before executor_, so destroyed after it: its threads and
  // fibers release the last ProcessPtrs.
  std::array<PoolShard, kPoolShards> pools_;
  std::atomic<std::size_t> unused_total_{0};  // unused objects in all shards: 0 skips the search
  std::unique_ptr<Executor> executor_;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<std::size_t> live_{0};
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  std::once_flag shutdown_once_;

  // Admission of spawns without a lock: the count of starts between "check
  // stopping" and "inserted in the table", plus the kStopping bit that
  // shutdown sets. Shutdown sets the bit, waits for the count to drain, and
  // only then sweeps the table: so no process appears after the sweep. A
  // start that finds the bit refuses; if a process asked, it marks that
  // process first, so a spawn refused for stopping comes from a process
  // already marked (as if the sweep had reached it).
  static constexpr std::uint64_t kStopping = std::uint64_t{1} << 63;
  std::atomic<std::uint64_t> admission_{0};

  Registry registry_{*this};
};

}  // namespace actorspec::core

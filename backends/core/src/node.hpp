#pragma once
// The runtime every backend shares: the process table and object pool, the
// name registry (Registry), and the delivery of exit signals and monitor
// notifications to processes (each ProcessState decides what a signal does
// to it).

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "actorspec/core/executor.hpp"
#include "actorspec/runtime.hpp"
#include "faults.hpp"
#include "process_ptr.hpp"
#include "process_state.hpp"
#include "process_table.hpp"
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
  // Takes an ended or abandoned process out of the table and the count.
  void forget(ProcessState& p);
  [[noreturn]] void refuse_spawn_stopping();

  const std::string backend_;
  // Declared before executor_, so destroyed after it: its threads and
  // fibers release the last ProcessPtrs.
  ProcessTable table_{*this};
  std::unique_ptr<Executor> executor_;
  // Live processes, as spawns minus ends, counted per thread: a spawn adds
  // to its thread's `spawned` and an end to its thread's `ended`, so the
  // spawning and ending threads do not pass one cache line back and forth.
  // Both only grow; live_count() reads every `ended` before any `spawned`,
  // so an end it counts has its spawn counted too (see live_count).
  struct alignas(64) LiveCount {
    std::atomic<std::uint64_t> spawned{0};
    std::atomic<std::uint64_t> ended{0};
  };
  std::array<LiveCount, 8> live_;
  LiveCount& my_live_count();
  std::uint64_t live_count() const;
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  std::once_flag shutdown_once_;

  // Admission of spawns without a lock or a shared counter: shutdown sets
  // stopping_ and then sweeps the table; a start puts its process in the
  // table and then reads stopping_, all sequentially consistent. So either
  // the sweep finds the process, or the start sees stopping_ and undoes
  // itself (abandon) and refuses: no process escapes the sweep. A start
  // that refuses marks the process that asked first, so a spawn refused
  // for stopping comes from a process already marked (as if the sweep had
  // reached it).
  std::atomic<bool> stopping_{false};

  Registry registry_{*this};
};

}  // namespace actorspec::core

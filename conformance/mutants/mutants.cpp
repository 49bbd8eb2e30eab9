// The mutant runtimes: the shared core compiled a second time with its fault
// switches (backends/core/src/faults.hpp), each registered as a backend
// named mutant:<fault>, plus two executor-level faults made by wrapping a
// real executor. Only actorspec_mutant_tests links this; scripts/mutants
// runs the unchanged conformance suite on each and expects it to fail.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actorspec/backends.hpp"
#include "faults.hpp"
#include "fiber_executor.hpp"
#include "thread_executor.hpp"

namespace actorspec::mutants {
namespace {

using core::Fault;

// Forwards everything to a real executor; a subclass overrides one thing.
class WrappedExecutor : public core::Executor {
 public:
  explicit WrappedExecutor(std::unique_ptr<core::Executor> inner) : inner_(std::move(inner)) {}
  unsigned workers() const override { return inner_->workers(); }
  void launch(core::Schedulable& p, std::function<void()> entry) override { inner_->launch(p, std::move(entry)); }
  bool park(core::Schedulable& p, std::optional<core::Clock::time_point> d) override { return inner_->park(p, d); }
  void wake(core::Schedulable& p) override { inner_->wake(p); }
  void yield(core::Schedulable& p) override { inner_->yield(p); }
  core::Schedulable* current() override { return inner_->current(); }
  void join() override { inner_->join(); }

 protected:
  std::unique_ptr<core::Executor> inner_;
};

// Class 3 of issue 10: a pooled backend that never lets a polling process
// give way (Executor::yield left at the default).
class NoYield final : public WrappedExecutor {
 public:
  using WrappedExecutor::WrappedExecutor;
  void yield(core::Schedulable&) override {}
};

// Class 4: "the process running here" answered for any runtime, as the
// thread backend once did with one thread_local for all runtimes.
thread_local core::Schedulable* any_runtimes_process = nullptr;
class ForeignCurrent final : public WrappedExecutor {
 public:
  using WrappedExecutor::WrappedExecutor;
  void launch(core::Schedulable& p, std::function<void()> entry) override {
    inner_->launch(p, [&p, entry = std::move(entry)]() mutable {
      any_runtimes_process = &p;
      entry();
      any_runtimes_process = nullptr;
    });
  }
  core::Schedulable* current() override { return any_runtimes_process; }
};

enum class On { fiber, thread };
enum class Wrap { none, no_yield, foreign_current };

std::unique_ptr<core::Executor> make_executor(On on, const RuntimeOptions& o) {
  if (on == On::thread) return std::make_unique<thread_backend::ThreadExecutor>(o.stack_size);
  return std::make_unique<fiber_backend::FiberExecutor>(o.workers, o.stack_size);
}

struct Mutant {
  const char* name;
  Fault fault;
  On on = On::fiber;
  Wrap wrap = Wrap::none;
};

const std::vector<Mutant>& mutants() {
  static const std::vector<Mutant> all = {
      {"skip_order", Fault::skip_order},
      {"reorder_under_load", Fault::reorder_under_load},
      {"down_overtakes", Fault::down_overtakes},
      {"exit_overtakes", Fault::exit_overtakes},
      {"message_beats_signal", Fault::message_beats_signal},
      {"ord9_no_recheck", Fault::ord9_no_recheck},
      {"clause_order_first", Fault::clause_order_first},
      {"timeout_consumes", Fault::timeout_consumes},
      {"timer_restarts", Fault::timer_restarts},
      {"early_timeout", Fault::early_timeout},
      {"timeout_capped", Fault::timeout_capped},
      {"lost_wakeup", Fault::lost_wakeup, On::thread},
      {"trap_drops_normal", Fault::trap_drops_normal},
      {"trappable_kill", Fault::trappable_kill},
      {"links_get_kill", Fault::links_get_kill},
      {"one_way_link", Fault::one_way_link},
      {"exit_normal_kills", Fault::exit_normal_kills},
      {"link_dead_noop", Fault::link_dead_noop},
      {"unlink_one_side", Fault::unlink_one_side},
      {"body_kill_untrappable", Fault::body_kill_untrappable},
      {"trap_flag_returns_new", Fault::trap_flag_returns_new},
      {"signal_waits_for_receive", Fault::signal_waits_for_receive},
      {"alive_during_unwind", Fault::alive_during_unwind},
      {"link_decided", Fault::link_decided},
      {"monitor_decided", Fault::monitor_decided},
      {"monitor_dead_silent", Fault::monitor_dead_silent},
      {"flush_keeps_down", Fault::flush_keeps_down},
      {"demonitor_keeps_monitor", Fault::demonitor_keeps_monitor},
      {"registry_decided", Fault::registry_decided},
      {"name_not_freed", Fault::name_not_freed},
      {"dead_pid_registrable", Fault::dead_pid_registrable},
      {"unknown_name_dropped", Fault::unknown_name_dropped},
      {"second_name", Fault::second_name},
      {"unregister_keeps_name", Fault::unregister_keeps_name},
      {"exception_reason_normal", Fault::exception_reason_normal},
      {"mailbox_kept", Fault::mailbox_kept},
      // On threads: a process launched after join() still gets a thread.
      {"shutdown_admits_spawns", Fault::shutdown_admits_spawns, On::thread},
      {"no_yield", Fault::none, On::fiber, Wrap::no_yield},
      {"foreign_current", Fault::none, On::thread, Wrap::foreign_current},
  };
  return all;
}

struct Registrations {
  Registrations() {
    for (const Mutant& m : mutants()) {
      const std::string name = std::string("mutant:") + m.name;
      register_backend(name, [m, name](const RuntimeOptions& o) {
        std::unique_ptr<core::Executor> exec = make_executor(m.on, o);
        if (m.wrap == Wrap::no_yield) exec = std::make_unique<NoYield>(std::move(exec));
        if (m.wrap == Wrap::foreign_current) exec = std::make_unique<ForeignCurrent>(std::move(exec));
        return core::make_mutant_runtime(name, std::move(exec), m.fault);
      });
    }
  }
} const registrations;

}  // namespace
}  // namespace actorspec::mutants

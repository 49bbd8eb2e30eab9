#pragma once
// Fault switches for the mutant runtimes of conformance/mutants: each names
// one realistic way to get the semantics wrong, and the suite must catch
// every one (SPEC, "How to read the rules"; scripts/mutants).
//
// The real backends compile the core without ACTORSPEC_MUTANTS: there every
// switch is the constant `false` and its branch is compiled out, so no real
// backend carries mutant code. conformance/mutants compiles the same core
// sources a second time with ACTORSPEC_MUTANTS into a library that only the
// mutant test binary links; there a runtime made by make_mutant_runtime has
// one fault switched on.

#include <memory>
#include <string>

namespace actorspec::core {

enum class Fault {
  none,
  // ORD
  skip_order,            // skipped messages go behind a newer one when a receive takes one
  reorder_under_load,    // a long mailbox takes some new messages at its front
  down_overtakes,        // a Down goes ahead of the dead process's earlier messages
  exit_overtakes,        // a trapped Exit goes ahead of the sender's earlier messages
  message_beats_signal,  // a receive takes a new message although an exit signal is pending
  ord9_no_recheck,       // no check for a pending signal between choosing a clause and running it
  // RCV
  clause_order_first,    // the first clause wins over the oldest message
  timeout_consumes,      // a timeout drops the oldest message
  timer_restarts,        // a non-matching arrival restarts the timeout
  early_timeout,         // the timeout fires at half its duration
  timeout_capped,        // timeouts of 2^32 ms or more poll (an Erlang-style cap gone wrong)
  lost_wakeup,           // the mailbox check and the park are two steps: a wake can be lost
  // LNK
  trap_drops_normal,     // a trapping process gets no Exit for reason normal
  trappable_kill,        // exit(p, kill) can be trapped
  links_get_kill,        // the partners of a killed process get kill, not killed
  one_way_link,          // link only links the caller to the target
  exit_normal_kills,     // exit(p, normal) ends a process that does not trap
  link_dead_noop,        // link to a dead process neither throws nor sends an Exit
  unlink_one_side,       // unlink leaves the partner linked to the caller
  body_kill_untrappable, // a partner that ended with exit(kill) ends trapping partners
  trap_flag_returns_new, // trap_exit returns the new flag, not the old one
  signal_waits_for_receive,  // a pending exit signal takes effect only in receive
  alive_during_unwind,   // is_alive is true until the process has unwound
  link_decided,          // link to a process whose end is decided links (it gets its reason)
  // MON
  monitor_decided,       // monitor of a process whose end is decided gets its real reason
  monitor_dead_silent,   // monitor of a dead process never gives a Down
  flush_keeps_down,      // demonitor(flush) leaves a delivered Down in the mailbox
  demonitor_keeps_monitor,  // demonitor returns true and the Down still comes
  // REG
  registry_decided,      // a holder whose end is decided still holds its name
  name_not_freed,        // a name outlives its holder
  dead_pid_registrable,  // a dead pid can be given a name
  unknown_name_dropped,  // send to an unknown name is silently dropped
  second_name,           // a process can take a second name
  unregister_keeps_name, // unregister leaves the process unable to take another name
  // SPN, ERR, RT
  exception_reason_normal,  // an uncaught exception ends the process with reason normal
  mailbox_kept,          // an ended process's unread messages are never destroyed
  shutdown_admits_spawns,   // spawn still works once shutdown has begun
};

}  // namespace actorspec::core

#ifdef ACTORSPEC_MUTANTS
#define ACTORSPEC_FAULT(node, f) ((node).fault() == ::actorspec::core::Fault::f)
#include "actorspec/core/executor.hpp"
#include "actorspec/runtime.hpp"
namespace actorspec::core {
std::unique_ptr<Runtime> make_mutant_runtime(std::string backend_name, std::unique_ptr<Executor> executor, Fault fault);
}
#else
#define ACTORSPEC_FAULT(node, f) false
#endif

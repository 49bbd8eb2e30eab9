#pragma once
// A differential-test program: a list of steps, each one operation of the
// interface done by one "puppet" process on the controller's command. The
// program names processes by index (P0, P1, ... in spawn order), names by
// string and monitors by the actor's own ref index, never by Pid or Ref, so
// one program means the same on every backend and in the model.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actorspec/exit_reason.hpp"

namespace actorspec::differential {

enum class Op {
  boot,  // the controller starts a fresh puppet (when few are left)
  spawn,
  spawn_link,
  spawn_monitor,
  send,       // to `target` by pid
  send_name,  // to `name`
  link,
  unlink,
  links,
  monitor,
  monitor_name,
  demonitor,  // `ref` (the actor's ref index, -1 for Ref{}), `flag` = flush
  trap_exit,  // `flag` = on
  exit1,      // exit(reason)
  raise,      // throw std::runtime_error("boom")
  exit2,      // exit(target, reason)
  is_alive,
  register_name,  // register_name(name, target)
  unregister_name,
  whereis,
  mailbox_size,
  receive,
};

enum class Reason { normal, kill, killed, noproc, shutdown, shutdown_detail, user, exception };

ExitReason make_reason(Reason r);

// Which messages a receive takes. Clause order is fixed: Msg, Exit, Down, any.
struct Pattern {
  enum class MsgClause { none, all, from, even_seq };
  MsgClause msg = MsgClause::all;
  int msg_from = 0;  // for MsgClause::from: the sender's index
  bool exit = false;
  bool down = false;
  bool any = false;
};

struct ReceiveSpec {
  static constexpr int kBlocking = -2;  // no after clause
  static constexpr int kNegative = -1;  // after(-1ms): InvalidTimeout
  Pattern pattern;
  int timeout_ms = 0;  // kBlocking, kNegative, 0 (poll) or 1
};

struct Step {
  int actor = 0;  // puppet index; -1 for Op::boot
  Op op = Op::send;
  int target = 0;  // puppet index; -1 is Pid{}
  Reason reason = Reason::normal;
  std::string name;
  int ref = -1;
  bool flag = false;
  bool uncaught = false;  // let an actorspec::Error escape and end the actor
  ReceiveSpec receive;
  std::optional<ReceiveSpec> inner;  // nested receive, run in the outer clause's handler
  // exit2 only: an operation on the same target right after exit returns,
  // in the same step (monitor, link, is_alive or register_name), so the
  // target is caught while its end is accepted but not finished (LNK-18).
  std::optional<Op> then;
};

using Program = std::vector<Step>;

struct GeneratorOptions {
  int steps = 60;
  int max_puppets = 8;
};

// The program for `seed`: the same seed gives the same program everywhere.
Program generate(std::uint64_t seed, const GeneratorOptions& options);

std::string to_string(const Step& s);
std::string to_string(const Program& p);
std::string to_string(Reason r);

}  // namespace actorspec::differential

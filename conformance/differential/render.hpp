#pragma once
// How an observation is written in a trace. The model and the puppets use
// the same spelling, so traces compare as strings: processes as P<index>,
// refs as r<index> of their owner, reasons as ExitReason::to_string(),
// except that the what() of actorspec's own errors (it names pids, which
// differ between runs) is left out.

#include <optional>
#include <string>

#include "actorspec/exit_reason.hpp"

namespace actorspec::differential {

// The message puppets send each other: `seq` is the index of the step that
// sent it, unique within a program.
struct Msg {
  int from;
  int seq;
};

std::string render_reason(const ExitReason& r);
std::string render_proc(int index);  // -1: the empty Pid
std::string render_msg(int from, int seq);
std::string render_exit(int from, const ExitReason& r);
std::string render_down(int ref, int pid, const std::optional<std::string>& name, const ExitReason& r);

}  // namespace actorspec::differential

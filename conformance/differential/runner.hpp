#pragma once
// Runs a program on one backend, step by step, against the model.
//
// Every process of the program is a puppet: it waits for a command from
// the controller (a process of the same runtime), does one operation of the
// interface, and replies with what it saw. The controller sends the next
// command only once the step has settled: the reply is in, every process
// the model says ended in this step has sent the controller its Down (the
// controller monitors every puppet), and every puppet that was sent
// messages in this step holds as many as the model says (it waits for
// them, so no result depends on how fast a signal travels). Each puppet's
// reply is checked against the model, and so are the reasons in the Downs
// and, at the end, what is left in every mailbox.

#include <chrono>
#include <cstdint>
#include <string>

#include "program.hpp"

namespace actorspec::differential {

struct RunOptions {
  int max_puppets = 8;
  std::chrono::milliseconds patience{2000};  // how long an expected reply or Down may take
};

struct RunResult {
  bool agree = true;
  int step = -1;             // the step where the backend and the model parted
  std::string disagreement;  // what differed
  std::string trace;         // one line per step: the step and what it gave
  long steps_run = 0;        // steps executed (not skipped)
};

RunResult run_program(const std::string& backend, const Program& program, const RunOptions& options);

}  // namespace actorspec::differential

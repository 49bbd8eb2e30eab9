#pragma once
// The puppet: a process that runs one step at a time on command.

#include <memory>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "program.hpp"

namespace actorspec::differential {

struct Command {
  enum class Kind { step, sync, drain };
  Kind kind = Kind::step;
  int index = 0;  // the step's position in the program
  Step step;
  int child = -1;           // index the process a spawn starts gets
  std::size_t expect = 0;   // sync: the mailbox size to wait for
  std::chrono::milliseconds patience{0};
  std::shared_ptr<const std::vector<Pid>> pids;  // P<i> -> pid, for rendering
  Pid reply_to;
};

struct Reply {
  int index;
  Command::Kind kind;
  std::string text;
  Pid spawned;
};

// The body of puppet P<index>.
void puppet(Process& self, int index);

}  // namespace actorspec::differential

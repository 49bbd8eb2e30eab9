#pragma once
// The two messages the runtime itself puts in a mailbox.

#include <optional>
#include <string>

#include "actorspec/exit_reason.hpp"
#include "actorspec/pid.hpp"

namespace actorspec {

// {'EXIT', From, Reason}: an exit signal turned into a message because the
// receiver traps exits (LNK rules). `from` is empty when the signal came from
// outside any process (the runtime's owner).
struct Exit {
  Pid from;
  ExitReason reason;
};

// {'DOWN', Ref, process, Pid | {Name, node()}, Reason} (MON rules).
struct Down {
  Ref ref;
  Pid pid;                          // empty when a monitor by name found nobody
  std::optional<std::string> name;  // set when the monitor was taken by name
  ExitReason reason;
};

}  // namespace actorspec

#pragma once
// actorspec::ExitReason <-> caf::error, the type CAF carries exit reasons in
// (exit_msg, down_msg, an actor's fail state).

#include <caf/error.hpp>

#include "actorspec/exit_reason.hpp"

namespace actorspec_caf {

// normal -> no error, the rest -> an error of category "actorspec" whose
// code is the Kind and whose context holds detail and exception type.
// (An exit *signal* kill is caf::exit_reason::kill: see caf_runtime.cpp.)
caf::error to_caf(const actorspec::ExitReason& reason);

// The inverse; a reason CAF made itself (e.g. exit_reason::unhandled_exception)
// becomes a `user` reason spelled as CAF spells it.
actorspec::ExitReason from_caf(const caf::error& reason);

}  // namespace actorspec_caf

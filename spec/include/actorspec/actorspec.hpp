#pragma once
// Everything a user of actorspec includes.

#include "actorspec/backends.hpp"
#include "actorspec/errors.hpp"
#include "actorspec/exit_reason.hpp"
#include "actorspec/match.hpp"
#include "actorspec/message.hpp"
#include "actorspec/pid.hpp"
#include "actorspec/process.hpp"
#include "actorspec/runtime.hpp"
#include "actorspec/system_messages.hpp"

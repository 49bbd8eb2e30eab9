#pragma once
// GDE-1: the guide's Counter. The state lives in the receive loop; a client
// sends {increment, from} or {get, from} and waits for {value, v}, giving up
// after its timeout (the guide uses 1000 ms) with nullopt, as the guide's
// client returns :timeout.

#include <chrono>
#include <cstdint>
#include <optional>

#include "actorspec/actorspec.hpp"

namespace actorspec::guide::counter {

struct Increment {
  Pid from;
};
struct Get {
  Pid from;
};
struct Stop {};
struct Value {
  std::int64_t value;
};

inline constexpr std::chrono::milliseconds kGuideTimeout{1000};

// Counter.start/1: the body of a counter process starting at `initial`.
Body start(std::int64_t initial);

// The next {value, v} in the client's mailbox, or nullopt after `timeout`.
std::optional<std::int64_t> await_value(Process& client, std::chrono::milliseconds timeout);
std::optional<std::int64_t> increment(Process& client, Pid counter, std::chrono::milliseconds timeout = kGuideTimeout);
std::optional<std::int64_t> get(Process& client, Pid counter, std::chrono::milliseconds timeout = kGuideTimeout);
void stop(Process& client, Pid counter);

}  // namespace actorspec::guide::counter

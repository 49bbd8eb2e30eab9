#pragma once
// GDE-2: the guide's KVStore: a map in a receive loop. Keys are strings and
// come back sorted (a std::map), however many. Every client call waits for
// the store's reply and throws NoReply after the timeout (the guide's 1000 ms).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "actorspec_guide/no_reply.hpp"

namespace actorspec::guide::kv {

struct Put {
  std::string key;
  std::int64_t value;
  Pid from;
};
struct GetKey {
  std::string key;
  Pid from;
};
struct Delete {
  std::string key;
  Pid from;
};
struct Keys {
  Pid from;
};
struct Stop {};
struct Ok {};
struct Found {
  std::optional<std::int64_t> value;
};
struct KeyList {
  std::vector<std::string> keys;
};

inline constexpr std::chrono::milliseconds kGuideTimeout{1000};

// KVStore.start/0: the body of an empty store.
Body start();

void put(Process& client, Pid store, std::string key, std::int64_t value,
         std::chrono::milliseconds timeout = kGuideTimeout);
std::optional<std::int64_t> get(Process& client, Pid store, std::string key,
                                std::chrono::milliseconds timeout = kGuideTimeout);
void del(Process& client, Pid store, std::string key, std::chrono::milliseconds timeout = kGuideTimeout);
std::vector<std::string> keys(Process& client, Pid store, std::chrono::milliseconds timeout = kGuideTimeout);
void stop(Process& client, Pid store);

}  // namespace actorspec::guide::kv

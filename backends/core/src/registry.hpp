#pragma once
// The name registry: which live process holds which name (SPEC REG rules).

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actorspec/pid.hpp"

namespace actorspec::core {

class Node;

class Registry {
 public:
  explicit Registry(Node& node) : node_(node) {}

  // register_name: throws InvalidName, NameTaken, NotAlive, AlreadyRegistered.
  void add(std::string name, Pid p);
  // unregister_name: throws UnknownName unless a live process holds `name`.
  void remove(std::string_view name);
  std::optional<Pid> find(std::string_view name);
  std::vector<std::string> names();
  // The holder `p` ended (or was abandoned): its name is free. The name may
  // already belong to another process: a dying holder's name is free for
  // the taking (add).
  void release(Pid p);

 private:
  using NameMap = std::unordered_map<std::string, Pid>;
  // Under mu_. A name is held only by a live process (SPEC "alive"): an
  // entry whose holder an exit signal has ended is a name nobody holds, for
  // every name operation alike, though release() has not erased it yet.
  bool holder_live_locked(Pid holder) const;
  void drop_locked(NameMap::iterator it);

  Node& node_;
  std::mutex mu_;
  NameMap by_name_;                             // mu_
  std::unordered_map<Pid, std::string> by_pid_;  // mu_: the name each holder took
};

}  // namespace actorspec::core

#include "registry.hpp"

#include "actorspec/errors.hpp"
#include "node.hpp"

namespace actorspec::core {

bool Registry::holder_live_locked(Pid holder) const {
  auto proc = node_.lookup(holder);
  // (name_not_freed: the registry trusts its table, so an entry left behind
  // by a holder that ended still names it.)
  if (!proc) return ACTORSPEC_FAULT(node_, dead_pid_registrable) || ACTORSPEC_FAULT(node_, name_not_freed);
  if (ACTORSPEC_FAULT(node_, registry_decided)) return proc->not_ended();
  return proc->live();
}

void Registry::drop_locked(NameMap::iterator it) {
  if (auto held = by_pid_.find(it->second); held != by_pid_.end() && held->second == it->first) by_pid_.erase(held);
  by_name_.erase(it);
}

void Registry::add(std::string name, Pid p) {
  if (name.empty()) throw InvalidName();
  std::lock_guard lock(mu_);
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    if (holder_live_locked(it->second)) throw NameTaken(name);
    drop_locked(it);
  }
  auto proc = node_.lookup(p);
  // Marked under the process's lock, in one step with the liveness check,
  // so its end (ProcessState::end) either sees the mark and releases the
  // name or comes first and the mark is refused.
  const bool alive = proc && proc->mark_named_if_live();
  if (!alive && !ACTORSPEC_FAULT(node_, dead_pid_registrable)) throw NotAlive(p.to_string());
  if (auto held = by_pid_.find(p); held != by_pid_.end()) {
    if (!ACTORSPEC_FAULT(node_, second_name)) throw AlreadyRegistered(p.to_string(), held->second);
    held->second = name;
  } else {
    by_pid_.emplace(p, name);
  }
  by_name_.emplace(std::move(name), p);
}

void Registry::remove(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) throw UnknownName(std::string(name));
  const bool live = holder_live_locked(it->second);
  if (ACTORSPEC_FAULT(node_, unregister_keeps_name)) {
    by_name_.erase(it);  // the holder still counts as named
  } else {
    drop_locked(it);
  }
  if (!live) throw UnknownName(std::string(name));
}

std::optional<Pid> Registry::find(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end() || !holder_live_locked(it->second)) return std::nullopt;
  return it->second;
}

std::vector<std::string> Registry::names() {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (auto& [n, holder] : by_name_)
    if (holder_live_locked(holder)) out.push_back(n);
  return out;
}

void Registry::release(Pid p) {
  if (ACTORSPEC_FAULT(node_, name_not_freed)) return;
  std::lock_guard lock(mu_);
  auto held = by_pid_.find(p);
  if (held == by_pid_.end()) return;
  if (auto it = by_name_.find(held->second); it != by_name_.end() && it->second == p) by_name_.erase(it);
  by_pid_.erase(held);
}

}  // namespace actorspec::core

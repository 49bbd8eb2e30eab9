#pragma once
// Process identifiers and monitor references: small value types that say
// nothing about how or where a process runs.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace actorspec {

// Names one process of one runtime. A default-constructed Pid names nobody;
// ids are never reused within a runtime, so a stale Pid stays dead.
class Pid {
 public:
  constexpr Pid() = default;
  constexpr explicit Pid(std::uint64_t id) : id_(id) {}

  constexpr std::uint64_t id() const { return id_; }
  constexpr explicit operator bool() const { return id_ != 0; }
  friend constexpr auto operator<=>(Pid, Pid) = default;

  // "<0.ID.0>", the BEAM's spelling, so logs read alike.
  std::string to_string() const { return "<0." + std::to_string(id_) + ".0>"; }

 private:
  std::uint64_t id_ = 0;
};

// Names one monitor. Unique within a runtime.
class Ref {
 public:
  constexpr Ref() = default;
  constexpr explicit Ref(std::uint64_t id) : id_(id) {}

  constexpr std::uint64_t id() const { return id_; }
  constexpr explicit operator bool() const { return id_ != 0; }
  friend constexpr auto operator<=>(Ref, Ref) = default;

  std::string to_string() const { return "#Ref<" + std::to_string(id_) + ">"; }

 private:
  std::uint64_t id_ = 0;
};

inline std::ostream& operator<<(std::ostream& os, Pid p) { return os << p.to_string(); }
inline std::ostream& operator<<(std::ostream& os, Ref r) { return os << r.to_string(); }

}  // namespace actorspec

template <>
struct std::hash<actorspec::Pid> {
  std::size_t operator()(actorspec::Pid p) const noexcept { return std::hash<std::uint64_t>{}(p.id()); }
};
template <>
struct std::hash<actorspec::Ref> {
  std::size_t operator()(actorspec::Ref r) const noexcept { return std::hash<std::uint64_t>{}(r.id()); }
};

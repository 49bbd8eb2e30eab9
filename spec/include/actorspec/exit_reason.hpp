#pragma once
// Why a process ended: the typed counterpart of an Erlang exit reason.

#include <ostream>
#include <string>
#include <utility>

namespace actorspec {

class ExitReason {
 public:
  enum class Kind {
    normal,     // the body returned, or exit(normal)
    kill,       // exit(kill) by the process itself; travels along links as is (LNK rules)
    killed,     // ended by an untrappable kill signal
    noproc,     // the other side did not exist (link/monitor of a dead process)
    shutdown,   // orderly stop; `detail` carries {shutdown, Detail} when not empty
    exception,  // an uncaught C++ exception: `exception_type` and what()
    user,       // any other reason, as a string term
  };

  // A normal exit, so that `ExitReason{}` reads as "nothing went wrong".
  ExitReason() = default;

  static ExitReason normal() { return ExitReason(Kind::normal); }
  static ExitReason kill() { return ExitReason(Kind::kill); }
  static ExitReason killed() { return ExitReason(Kind::killed); }
  static ExitReason noproc() { return ExitReason(Kind::noproc); }
  static ExitReason shutdown(std::string detail = {}) { return ExitReason(Kind::shutdown, std::move(detail)); }
  static ExitReason exception(std::string type, std::string what) {
    return ExitReason(Kind::exception, std::move(what), std::move(type));
  }
  static ExitReason user(std::string term) { return ExitReason(Kind::user, std::move(term)); }

  Kind kind() const { return kind_; }
  bool is_normal() const { return kind_ == Kind::normal; }
  // The user term, the shutdown detail, or the exception's what().
  const std::string& detail() const { return detail_; }
  // The dynamic type name of an uncaught exception; empty otherwise.
  const std::string& exception_type() const { return type_; }

  std::string to_string() const;

  friend bool operator==(const ExitReason&, const ExitReason&) = default;

 private:
  explicit ExitReason(Kind k, std::string detail = {}, std::string type = {})
      : kind_(k), detail_(std::move(detail)), type_(std::move(type)) {}

  Kind kind_ = Kind::normal;
  std::string detail_;
  std::string type_;
};

inline std::string ExitReason::to_string() const {
  switch (kind_) {
    case Kind::normal: return "normal";
    case Kind::kill: return "kill";
    case Kind::killed: return "killed";
    case Kind::noproc: return "noproc";
    case Kind::shutdown: return detail_.empty() ? "shutdown" : "{shutdown," + detail_ + "}";
    case Kind::exception: return "{" + type_ + ",\"" + detail_ + "\"}";
    case Kind::user: return detail_;
  }
  return "?";
}

inline std::ostream& operator<<(std::ostream& os, const ExitReason& r) { return os << r.to_string(); }

}  // namespace actorspec

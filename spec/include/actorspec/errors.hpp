#pragma once
// Typed errors. Where the BEAM raises badarg or noproc, actorspec throws one
// of these; uncaught, it ends the calling process with an `exception` exit
// reason naming the type (SPEC ERR rules).

#include <stdexcept>
#include <string>

namespace actorspec {

// Base of every error actorspec throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An argument the BEAM would reject with badarg.
class BadArg : public Error {
 public:
  using Error::Error;
};

// send or monitor-free lookups by a name nobody holds; unregister of an unknown name.
class UnknownName : public BadArg {
 public:
  explicit UnknownName(const std::string& name) : BadArg("no process is registered as '" + name + "'") {}
};

// register_name with a name that another live process holds.
class NameTaken : public BadArg {
 public:
  explicit NameTaken(const std::string& name) : BadArg("the name '" + name + "' is already registered") {}
};

// register_name for a process that already has a name.
class AlreadyRegistered : public BadArg {
 public:
  AlreadyRegistered(const std::string& pid, const std::string& name)
      : BadArg("process " + pid + " is already registered as '" + name + "'") {}
};

// register_name with an empty name.
class InvalidName : public BadArg {
 public:
  InvalidName() : BadArg("a registered name must not be empty") {}
};

// register_name of a pid that is not alive.
class NotAlive : public BadArg {
 public:
  explicit NotAlive(const std::string& pid) : BadArg("process " + pid + " is not alive") {}
};

// A receive with a negative or NaN `after` duration (Erlang: timeout_value).
class InvalidTimeout : public BadArg {
 public:
  InvalidTimeout() : BadArg("receive timeout must not be negative (or NaN)") {}
};

// link to a process that does not exist, from a process not trapping exits.
class NoProc : public Error {
 public:
  explicit NoProc(const std::string& pid) : Error("no such process: " + pid) {}
};

// A process-only operation (receive, link, monitor, trap_exit, ...) called
// through a Process handle by anyone but that live process itself.
class NotInProcess : public Error {
 public:
  explicit NotInProcess(const std::string& what)
      : Error(what + " must be called by the process itself, from inside its body") {}
};

// spawn on a runtime that is shutting down or shut down.
class RuntimeStopped : public Error {
 public:
  RuntimeStopped() : Error("the runtime is shut down; no new process can start") {}
};

// make_runtime with a name no backend registered.
class UnknownBackend : public Error {
 public:
  explicit UnknownBackend(const std::string& name, const std::string& known)
      : Error("no backend named '" + name + "' (registered: " + known + ")") {}
};

}  // namespace actorspec

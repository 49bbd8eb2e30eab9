#pragma once
// A runtime owns a set of processes and runs them on one backend. Every
// backend implements this interface; conformance tests and perf suites see
// nothing else. The calls here are for code outside the runtime (a test's
// main thread, a server's request thread); a process uses its Process&.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "actorspec/exit_reason.hpp"
#include "actorspec/message.hpp"
#include "actorspec/pid.hpp"
#include "actorspec/process.hpp"

namespace actorspec {

// make_runtime checks these before any backend sees them and throws BadArg
// for a value out of range, the same way on every backend (SPEC RT-13).
struct RuntimeOptions {
  // Worker threads for pooled backends (tbb, fiber); 0 = the hardware's.
  // At most kMaxWorkers.
  unsigned workers = 0;
  // Stack size per process in bytes; 0 = the backend's default. Otherwise
  // at least kMinStackSize and at most kMaxStackSize; a backend rounds it
  // up to whole pages, and a stack overflow ends the program with a report
  // naming the process (SPEC RT-17).
  std::size_t stack_size = 0;

  static constexpr unsigned kMaxWorkers = 1024;
  // glibc's PTHREAD_STACK_MIN on x86-64 and aarch64: smaller stacks cannot
  // even hold a signal frame.
  static constexpr std::size_t kMinStackSize = 16 * 1024;
  static constexpr std::size_t kMaxStackSize = std::size_t{1} << 30;
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  Runtime() = default;
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // The name it is registered under ("thread", "tbb", "fiber", ...).
  virtual std::string_view backend() const = 0;
  // Worker threads it runs processes on (for thread: 0, one per process).
  virtual unsigned workers() const = 0;

  // Starts a process; throws RuntimeStopped after shutdown() began.
  virtual Pid spawn(Body body) = 0;
  // Starts a process and waits for it to end: its exit reason. Must be
  // called from outside the runtime's processes (BadArg otherwise).
  virtual ExitReason run(Body body) = 0;

  template <class T>
  void send(Pid to, T&& value) { send_message(to, Message::of(std::forward<T>(value))); }
  template <class T>
  void send(std::string_view name, T&& value) { send_message(name, Message::of(std::forward<T>(value))); }
  virtual void send_message(Pid to, Message m) = 0;
  // Throws UnknownName when nobody holds `name`.
  virtual void send_message(std::string_view name, Message m) = 0;

  // An exit signal from outside any process (Exit::from is empty).
  virtual void exit(Pid target, ExitReason reason) = 0;
  virtual bool is_alive(Pid p) = 0;
  virtual std::optional<Pid> whereis(std::string_view name) = 0;

  // Processes started and not yet ended.
  virtual std::size_t process_count() const = 0;

  // Ends every live process with an untrappable `shutdown` exit signal
  // (parked ones at once, running ones at their next call into the runtime),
  // waits for all of them and releases the backend's threads. Idempotent;
  // the destructor calls it.
  virtual void shutdown() = 0;
};

}  // namespace actorspec

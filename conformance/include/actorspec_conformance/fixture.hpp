#pragma once
// The conformance fixture: one runtime per test, obtained by backend name.
// Tests include only this header (and through it only spec/ headers), so
// the same suite runs on any registered backend, a third party's included.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "actorspec/actorspec.hpp"

namespace actorspec::conformance {

// Backends to instantiate the suites for: $ACTORSPEC_BACKENDS (comma list)
// or every registered backend.
std::vector<std::string> backends_under_test();

// $ACTORSPEC_TIMEOUT_SCALE (default 1): sanitizer builds run slower, so
// every timeout is scaled by one factor instead of edited.
double timeout_scale();
std::chrono::milliseconds scaled(std::chrono::milliseconds t);

// How long a test waits for a message it expects before it fails. Generous:
// only a broken runtime ever waits this long.
std::chrono::milliseconds patience();

// Thrown (and so ends the process, failing its test) when an expected
// message does not come within patience().
struct ExpectationTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The oldest message of type T (for which guard holds), or ExpectationTimeout.
template <class T, class Guard>
T expect(Process& self, Guard guard) {
  return self.receive(on<T>(guard, [](T&& v) { return std::move(v); }),
                      after(patience(), []() -> T {
                        throw ExpectationTimeout(std::string("no message of the expected type arrived in time"));
                      }));
}
template <class T>
T expect(Process& self) {
  return expect<T>(self, [](const T&) { return true; });
}

// The Down for `ref`, or ExpectationTimeout.
inline Down expect_down(Process& self, Ref ref) {
  return expect<Down>(self, [ref](const Down& d) { return d.ref == ref; });
}

// Monitors `p` and waits for it to end: its exit reason.
inline ExitReason await_exit(Process& self, Pid p) { return expect_down(self, self.monitor(p)).reason; }

// The Exit from `from` (trap_exit must be on), or ExpectationTimeout.
inline Exit expect_exit_from(Process& self, Pid from) {
  return expect<Exit>(self, [from](const Exit& e) { return e.from == from; });
}

// Waits until a message of type T for which `pred` holds is in the mailbox,
// without taking it out; false if none came within patience(). It polls:
// a receive returns only by taking a message or by timing out, so looking
// without taking needs short timeouts. Only for a message whose arrival no
// other message can be ordered after (an Exit or Down caused by a death).
template <class T, class Pred>
bool await_queued(Process& self, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + patience();
  for (;;) {
    bool seen = false;
    self.receive(on<T>(
                     [&](const T& v) {
                       seen = seen || pred(v);
                       return false;
                     },
                     [](T&&) {}),
                 after(std::chrono::milliseconds(1), [] {}));
    if (seen) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
}

// Drains the mailbox without blocking, oldest first.
std::vector<Message> drain(Process& self);

class RuntimeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Runtime& rt() { return *runtime_; }
  // Runs `body` as a process to its end and expects it to end normally.
  void run(Body body);
  // run(), and the body must also reach its end: a process that an exit
  // signal with reason normal ended early has ended normally as well.
  void run_to_end(Body body);
  // Runs `body` as a process to its end: its exit reason.
  ExitReason run_for_reason(Body body) { return rt().run(std::move(body)); }

  std::unique_ptr<Runtime> runtime_;
};

std::string backend_param_name(const ::testing::TestParamInfo<std::string>& info);

}  // namespace actorspec::conformance

// Instantiates a suite (a RuntimeTest subclass) once per backend under test.
#define ACTORSPEC_CONFORMANCE_SUITE(Suite)                                                                    \
  INSTANTIATE_TEST_SUITE_P(Conformance, Suite,                                                                \
                           ::testing::ValuesIn(::actorspec::conformance::backends_under_test()),             \
                           ::actorspec::conformance::backend_param_name)

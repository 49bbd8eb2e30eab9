#pragma once
// The Executor contract suite: what every core::Executor must do, checked
// on the executor directly (where the core would hide a race) and through
// a runtime built on it (core::make_runtime). Each backend, and any third
// party's executor, instantiates it once:
//
//   ACTORSPEC_EXECUTOR_CONTRACT(Mine, "mine",
//       [](unsigned workers) { return std::make_unique<MyExecutor>(workers); });
//
// and links actorspec::executor_contract whole-archive (the tests live in
// the library). Timeouts scale with $ACTORSPEC_TIMEOUT_SCALE like the
// conformance suite's (conformance/fixture.hpp).

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "actorspec/core/executor.hpp"

namespace actorspec::testing {

struct ExecutorMaker {
  std::string name;
  // Pooled executors get `workers` threads (at least 1); others ignore it.
  std::function<std::unique_ptr<core::Executor>(unsigned workers)> make;
};

// gtest prints the parameter of a failed test with this.
inline void PrintTo(const ExecutorMaker& m, std::ostream* os) { *os << m.name; }

class ExecutorContract : public ::testing::TestWithParam<ExecutorMaker> {};

inline std::string executor_param_name(const ::testing::TestParamInfo<ExecutorMaker>& info) {
  return info.param.name;
}

}  // namespace actorspec::testing

// At namespace scope. Test names read <Instance>/ExecutorContract.<test>/<name>.
#define ACTORSPEC_EXECUTOR_CONTRACT(Instance, name, factory)                                      \
  namespace actorspec::testing {                                                                \
  INSTANTIATE_TEST_SUITE_P(Instance, ExecutorContract, ::testing::Values(ExecutorMaker{name, factory}), \
                           executor_param_name);                                                \
  }

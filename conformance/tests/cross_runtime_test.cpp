// RT-12: a process of one runtime is outside every other runtime. From
// inside a process of runtime A, another runtime B (of the same backend, the
// hardest case) MUST work as from any outside thread: B's run, send, spawn,
// shutdown and destruction. RT-4 still holds for A itself, and A's process
// handle stays A's: a process of B calling it gets NotInProcess (ERR-9).
#include <memory>
#include <optional>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class CrossRuntime : public RuntimeTest {};

struct Hello {
  int n;
};

TEST_P(CrossRuntime, RT_12_a_process_of_one_runtime_runs_and_shuts_down_another) {
  const std::string backend = GetParam();
  run([backend](Process& self) {
    std::unique_ptr<Runtime> other = make_runtime(backend);
    // run blocks this process until B's body ends, and returns its reason.
    EXPECT_EQ(other->run([](Process&) {}), ExitReason::normal());
    EXPECT_EQ(other->run([](Process& p) { p.exit(ExitReason::user("b-body")); }), ExitReason::user("b-body"));
    // B's owner calls work from here, and reach B's processes only.
    const Pid echo = other->spawn([](Process& p) {
      const Hello h = p.receive<Hello>();
      p.exit(ExitReason::user("got " + std::to_string(h.n)));
    });
    other->send(echo, Hello{7});
    EXPECT_NO_THROW(other->shutdown());
    EXPECT_EQ(other->process_count(), 0u);
    EXPECT_NO_THROW(other.reset());  // destruction works too (no terminate)
    // A itself still refuses run and shutdown from its own process (RT-4).
    EXPECT_THROW(self.runtime().run([](Process&) {}), BadArg);
    EXPECT_THROW(self.runtime().shutdown(), BadArg);
  });
}

TEST_P(CrossRuntime, RT_12_destroying_another_runtime_from_a_process_ends_its_processes) {
  const std::string backend = GetParam();
  run([backend](Process&) {
    auto other = make_runtime(backend);
    other->spawn([](Process& p) { p.receive<Hello>(); });  // parked forever
    EXPECT_EQ(other->process_count(), 1u);
    EXPECT_NO_THROW(other.reset());
  });
}

TEST_P(CrossRuntime, ERR_9_a_process_of_another_runtime_cannot_use_this_ones_process_handle) {
  const std::string backend = GetParam();
  run([backend](Process& self) {
    auto other = make_runtime(backend);
    std::optional<bool> threw;
    other->run([&self, &threw](Process&) {
      try {
        self.receive(on<Hello>([] {}), after(0ms, [] {}));
        threw = false;
      } catch (const NotInProcess&) {
        threw = true;
      }
    });
    EXPECT_EQ(threw, std::optional<bool>(true));
    other->shutdown();
  });
}

ACTORSPEC_CONFORMANCE_SUITE(CrossRuntime);

}  // namespace
}  // namespace actorspec::conformance

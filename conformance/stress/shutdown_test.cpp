// Shutdown of a runtime with many live processes (RT-6, RT-9): parked ones
// (receive without and with a timeout, trapping exits, linked) and
// runnable ones (sending to themselves in a loop, so always ready to run).
// Shutdown completes, counts nothing afterwards, and has destroyed every
// body and every message left in a mailbox: each holds a Token, and the
// live-token count returns to zero. LeakSanitizer (asan preset) checks the
// rest of the memory.

#include <atomic>
#include <chrono>
#include <memory>

#include "stress_fixture.hpp"

namespace actorspec::stress {
namespace {

using conformance::patience;

struct Token {
  explicit Token(std::atomic<long>& c) : count(&c) { count->fetch_add(1); }
  Token(const Token& o) : count(o.count) { count->fetch_add(1); }
  ~Token() { count->fetch_sub(1); }
  std::atomic<long>* count;
};
struct Started {};
struct Never {};
struct Spin {};

class ShutdownMany : public conformance::RuntimeTest {};

TEST_P(ShutdownMany, completes_with_every_process_parked_or_runnable_and_frees_everything) {
  const long processes = static_cast<long>(
      size_for("ACTORSPEC_STRESS_SHUTDOWN", GetParam(), {.pooled = 20000, .thread = 500}, /*tsan_divisor=*/8));
  std::atomic<long> tokens{0};
  const auto start = std::chrono::steady_clock::now();
  run([&](Process& self) {
    const Pid me = self.self();
    auto token = std::make_shared<Token>(tokens);
    for (long i = 0; i < processes; ++i) {
      Body body;
      switch (i % 5) {
        case 0:  // parked, no timeout, with a message it will never take
          body = [me, token](Process& p) {
            p.send(p.self(), Token(*token->count));
            p.send(me, Started{});
            p.receive<Never>();
          };
          break;
        case 1:  // parked with a long timeout
          body = [me, token](Process& p) {
            p.send(me, Started{});
            p.receive(on<Never>([] {}), after(std::chrono::hours(1), [] {}));
          };
          break;
        case 2:  // trapping exits
          body = [me, token](Process& p) {
            p.trap_exit(true);
            p.send(me, Started{});
            for (;;) p.receive<Never>();
          };
          break;
        case 3:  // linked to the test's process, which ends normally (LNK-7), parked
          body = [me, token](Process& p) {
            p.send(me, Started{});
            p.receive<Never>();
          };
          break;
        default:  // runnable: always has a message to take
          body = [me, token](Process& p) {
            p.send(me, Started{});
            for (;;) {
              p.send(p.self(), Spin{});
              p.receive<Spin>();
            }
          };
          break;
      }
      if (i % 5 == 3)
        self.spawn_link(std::move(body));
      else
        self.spawn(std::move(body));
    }
    for (long i = 0; i < processes; ++i)
      ASSERT_TRUE(self.receive_for<Started>(patience())) << "only " << i << " of " << processes << " started";
  });
  EXPECT_EQ(rt().process_count(), static_cast<std::size_t>(processes));
  const auto before_shutdown = std::chrono::steady_clock::now();
  rt().shutdown();
  const double shutdown_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - before_shutdown).count();
  EXPECT_EQ(rt().process_count(), 0u);
  EXPECT_EQ(tokens.load(), 0) << "bodies or messages outlived shutdown";
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("shutdown_many", GetParam(),
         "processes=" + std::to_string(processes) + " shutdown_seconds=" + std::to_string(shutdown_secs) +
             " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(ShutdownMany);

}  // namespace
}  // namespace actorspec::stress

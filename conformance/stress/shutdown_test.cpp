// Shutdown of a runtime with many live processes (RT-6, RT-9), parked and
// runnable at once. Half are parked first (receive without and with a
// timeout, trapping exits, linked, holding unread messages) and say so;
// then, from outside, each parked one is sent a message it does not take
// (it wakes, scans, parks again) and the other half are spawned, busy
// sending to themselves, and shutdown starts at once: processes are
// parked, woken, queued and running when it begins. (Processes that spin
// forever would starve the pooled backends, which have no preemption.)
// Shutdown completes, counts nothing, and has destroyed every body and
// every message left in a mailbox: each holds a Token, and the live-token
// count returns to zero. LeakSanitizer (asan preset) checks the rest.

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

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
struct Poke {};
struct Spin {};

Body parked_body(long i, Pid parent, std::shared_ptr<Token> token) {
  switch (i % 4) {
    case 0:  // no timeout, an unread message of its own
      return [parent, token](Process& p) {
        p.send(p.self(), Token(*token));
        p.send(parent, Started{});
        p.receive<Never>();
      };
    case 1:  // a long timeout
      return [parent, token](Process& p) {
        p.send(parent, Started{});
        p.receive(on<Never>([] {}), after(std::chrono::hours(1), [] {}));
      };
    case 2:  // trapping exits
      return [parent, token](Process& p) {
        p.trap_exit(true);
        p.send(parent, Started{});
        p.receive<Never>();
      };
    default:  // linked to its spawner (which ends normally: LNK-7)
      return [parent, token](Process& p) {
        p.send(parent, Started{});
        p.receive<Never>();
      };
  }
}

class ShutdownMany : public conformance::RuntimeTest {};

TEST_P(ShutdownMany, completes_with_processes_parked_and_runnable_and_frees_everything) {
  const long processes = static_cast<long>(
      size_for("ACTORSPEC_STRESS_SHUTDOWN", GetParam(), {.pooled = 20000, .thread = 500}, /*tsan_divisor=*/8));
  const long parked = processes / 2;
  std::atomic<long> tokens{0};
  std::vector<Pid> parked_pids;
  const auto start = std::chrono::steady_clock::now();
  {
    auto token = std::make_shared<Token>(tokens);
    run([&](Process& self) {
      for (long i = 0; i < parked; ++i) {
        Body body = parked_body(i, self.self(), token);
        parked_pids.push_back(i % 4 == 3 ? self.spawn_link(std::move(body)) : self.spawn(std::move(body)));
      }
      for (long i = 0; i < parked; ++i)
        ASSERT_TRUE(self.receive_for<Started>(patience())) << "only " << i << " of " << parked << " started";
    });
    for (Pid p : parked_pids) rt().send(p, Poke{});
    for (long i = parked; i < processes; ++i)
      rt().spawn([token](Process& p) {
        for (int k = 0; k < 1000; ++k) {
          p.send(p.self(), Spin{});
          p.receive<Spin>();
        }
        p.receive<Never>();
      });
  }
  const auto before_shutdown = std::chrono::steady_clock::now();
  rt().shutdown();
  const double shutdown_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - before_shutdown).count();
  EXPECT_EQ(rt().process_count(), 0u);
  EXPECT_EQ(tokens.load(), 0) << "bodies or messages outlived shutdown";
  for (Pid p : parked_pids) EXPECT_FALSE(rt().is_alive(p));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("shutdown_many", GetParam(),
         "processes=" + std::to_string(processes) + " shutdown_seconds=" + std::to_string(shutdown_secs) +
             " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(ShutdownMany);

}  // namespace
}  // namespace actorspec::stress

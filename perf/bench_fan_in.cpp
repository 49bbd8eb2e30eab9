// fan_in: k senders each send M/k messages to one receiver; reports ns per
// message at the receiver (and messages/s as items_per_second). Senders are
// spawned and parked before the clock starts; the clock stops when the
// receiver has taken all M.

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

struct Ready {};
struct Go {};
struct Item {
  std::int64_t seq;
};
struct AllReceived {};

void fan_in(benchmark::State& state, const BackendInfo& backend, std::int64_t senders, std::int64_t total,
            const RuntimeOptions& options = {}) {
  auto rt = make_runtime_or_skip(state, backend, options);
  if (!rt) return;
  state.SetLabel("ns per message at the receiver; k=" + std::to_string(senders) + " senders, " +
                 std::to_string(total / senders) + " messages each");
  const std::int64_t per_sender = total / senders;
  measure(state, *rt, total, [&](Process& self) {
    const Pid driver = self.self();
    const Pid receiver = self.spawn([driver, total](Process& p) {
      for (std::int64_t i = 0; i < total; ++i) p.receive<Item>();
      p.send(driver, AllReceived{});
    });
    std::vector<Pid> sending;
    for (std::int64_t s = 0; s < senders; ++s) {
      sending.push_back(self.spawn([driver, receiver, per_sender](Process& p) {
        p.send(driver, Ready{});
        p.receive<Go>();
        for (std::int64_t i = 0; i < per_sender; ++i) p.send(receiver, Item{i});
      }));
    }
    for (std::int64_t s = 0; s < senders; ++s) self.receive<Ready>();
    const auto t0 = Clock::now();
    for (const Pid p : sending) self.send(p, Go{});
    self.receive<AllReceived>();
    return seconds_between(t0, Clock::now());
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_fan_in(const Registrar& r) {
  const std::int64_t total = r.size<std::int64_t>(2'048, 131'072);  // divisible by every k
  r.describe({.key = "fan_in",
              .operation = "one message taken by a receiver that k senders flood at once (senders spawned and "
                           "parked before the clock starts)",
              .unit = "ns per message at the receiver",
              .sizes = "k = 1, 2, 8, 64 senders, " + std::to_string(total) + " messages in all per repetition",
              .per_second = "messages"});
  const std::int64_t scaled_total = r.size<std::int64_t>(2'048, 32'768);
  constexpr std::int64_t kScaledSenders = 8;
  r.describe({.key = "fan_in/scaling",
              .operation = "one message taken by a receiver that k = 8 senders flood at once, runtime with 1, 2, "
                           "4... worker threads; thread: one OS thread per process",
              .unit = "ns per message at the receiver",
              .sizes = "k = 8 senders, " + std::to_string(scaled_total) + " messages per repetition",
              .per_second = "messages",
              .x_axis = "workers"});
  for (const auto& b : r.backends()) {
    if (b.workers == 0) {
      r.for_backend(b, "fan_in/scaling/k:8/one_thread_per_process", scaled_total,
                    [scaled_total](benchmark::State& s, const BackendInfo& bk) {
                      fan_in(s, bk, kScaledSenders, scaled_total);
                    });
      continue;
    }
    for (const unsigned w : r.scaling_workers()) {
      r.for_backend(b, "fan_in/scaling/k:8/workers:" + std::to_string(w), scaled_total,
                    [scaled_total, w](benchmark::State& s, const BackendInfo& bk) {
                      fan_in(s, bk, kScaledSenders, scaled_total, RuntimeOptions{.workers = w});
                    });
    }
  }
  for (const std::int64_t k : {1, 2, 8, 64}) {
    r.for_each_backend("fan_in/k:" + std::to_string(k), total,
                       [k, total](benchmark::State& s, const BackendInfo& b) { fan_in(s, b, k, total); });
  }
}

}  // namespace actorspec::perf

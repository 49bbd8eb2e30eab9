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

void fan_in(benchmark::State& state, const BackendInfo& backend, std::int64_t senders, std::int64_t total) {
  auto rt = make_runtime_or_skip(state, backend);
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
  for (const std::int64_t k : {1, 2, 8, 64}) {
    r.for_each_backend("fan_in/k:" + std::to_string(k), total,
                       [k, total](benchmark::State& s, const BackendInfo& b) { fan_in(s, b, k, total); });
  }
}

}  // namespace actorspec::perf

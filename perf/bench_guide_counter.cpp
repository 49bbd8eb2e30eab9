// guide/counter: the guide's Counter server (a recursive receive loop) and
// its client, which sends {increment, from} and waits for {value, v} with
// the guide's 1000 ms `after`. Reports ns per increment (increments/s as
// items_per_second).

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

using namespace std::chrono_literals;

struct Increment {
  Pid from;
};
struct Get {
  Pid from;
};
struct Stop {};
struct Value {
  std::int64_t value;
};
struct TimedOut {};

void counter_loop(Process& self, std::int64_t value) {
  for (;;) {
    const bool go_on = self.receive(
        on<Increment>([&](Increment m) {
          ++value;
          self.send(m.from, Value{value});
          return true;
        }),
        on<Get>([&](Get m) {
          self.send(m.from, Value{value});
          return true;
        }),
        on<Stop>([] { return false; }));
    if (!go_on) return;
  }
}

std::int64_t call(Process& self, Pid counter) {
  self.send(counter, Increment{self.self()});
  return self.receive(on<Value>([](Value v) { return v.value; }), after(1000ms, []() -> std::int64_t {
                        throw std::runtime_error("the counter did not answer in 1000 ms");
                      }));
}

void guide_counter(benchmark::State& state, const BackendInfo& backend, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per Counter.increment round trip (client waits with after 1000 ms)");
  measure(state, *rt, n, [n](Process& self) {
    const Pid counter = self.spawn([](Process& p) { counter_loop(p, 0); });
    for (int i = 0; i < 100; ++i) call(self, counter);  // warm-up
    const auto t0 = Clock::now();
    std::int64_t last = 0;
    for (std::int64_t i = 0; i < n; ++i) last = call(self, counter);
    const double seconds = seconds_between(t0, Clock::now());
    if (last != n + 100) throw std::logic_error("the counter lost increments");
    self.send(counter, Stop{});
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_counter(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(500, 20'000);
  r.for_each_backend("guide/counter", n, [n](benchmark::State& s, const BackendInfo& b) { guide_counter(s, b, n); });
}

}  // namespace actorspec::perf

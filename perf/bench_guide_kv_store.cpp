// guide/kv_store: the guide's KVStore server (a map in a receive loop) and
// its client API, each call waiting for the reply with the guide's 1000 ms
// `after`. The workload cycles put, get, get (another key), delete over
// 1024 keys. Reports ns per operation (ops/s as items_per_second).

#include <map>
#include <optional>

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

using namespace std::chrono_literals;

struct Put {
  std::int64_t key, value;
  Pid from;
};
struct Get {
  std::int64_t key;
  Pid from;
};
struct Delete {
  std::int64_t key;
  Pid from;
};
struct Stop {};
struct Ok {};
struct Found {
  std::optional<std::int64_t> value;
};

void store_loop(Process& self) {
  std::map<std::int64_t, std::int64_t> state;
  for (;;) {
    const bool go_on = self.receive(
        on<Put>([&](Put m) {
          state[m.key] = m.value;
          self.send(m.from, Ok{});
          return true;
        }),
        on<Get>([&](Get m) {
          auto it = state.find(m.key);
          self.send(m.from, Found{it == state.end() ? std::nullopt : std::optional(it->second)});
          return true;
        }),
        on<Delete>([&](Delete m) {
          state.erase(m.key);
          self.send(m.from, Ok{});
          return true;
        }),
        on<Stop>([] { return false; }));
    if (!go_on) return;
  }
}

template <class Reply>
Reply await_reply(Process& self) {
  return self.receive(on<Reply>([](Reply r) { return r; }),
                      after(1000ms, []() -> Reply { throw std::runtime_error("the store did not answer in 1000 ms"); }));
}

// One operation of the cycle; returns how many gets found their key.
int operation(Process& self, Pid store, std::int64_t i) {
  const Pid me = self.self();
  const std::int64_t key = (i / 4 * 7919) % 1024;
  switch (i % 4) {
    case 0:
      self.send(store, Put{key, i, me});
      await_reply<Ok>(self);
      return 0;
    case 1:
      self.send(store, Get{key, me});
      return await_reply<Found>(self).value ? 1 : 0;
    case 2:
      self.send(store, Get{(key + 512) % 1024, me});
      await_reply<Found>(self);
      return 0;
    default:
      self.send(store, Delete{key, me});
      await_reply<Ok>(self);
      return 0;
  }
}

void guide_kv_store(benchmark::State& state, const BackendInfo& backend, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per KVStore call (put/get/get/delete cycle over 1024 keys, replies awaited with after 1000 ms)");
  measure(state, *rt, n, [n](Process& self) {
    const Pid store = self.spawn(store_loop);
    for (std::int64_t i = 0; i < 100; ++i) operation(self, store, i);  // warm-up
    std::int64_t found = 0;
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < n; ++i) found += operation(self, store, i);
    const double seconds = seconds_between(t0, Clock::now());
    if (found != (n + 2) / 4) throw std::logic_error("a get missed the key just put");
    self.send(store, Stop{});
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_kv_store(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(500, 20'000);
  r.for_each_backend("guide/kv_store", n, [n](benchmark::State& s, const BackendInfo& b) { guide_kv_store(s, b, n); });
}

}  // namespace actorspec::perf

#include "actorspec_guide/kv_store.hpp"

#include <map>

namespace actorspec::guide::kv {
namespace {

template <class Reply>
Reply await_reply(Process& client, std::chrono::milliseconds timeout) {
  return client.receive(on<Reply>([](Reply r) { return r; }), after(timeout, [timeout]() -> Reply {
                          throw NoReply("the store did not answer in " + std::to_string(timeout.count()) + " ms");
                        }));
}

}  // namespace

Body start() {
  return [](Process& self) {
    std::map<std::string, std::int64_t> state;
    for (bool running = true; running;) {
      running = self.receive(
          on<Put>([&](Put m) {
            state[m.key] = m.value;
            self.send(m.from, Ok{});
            return true;
          }),
          on<GetKey>([&](GetKey m) {
            auto it = state.find(m.key);
            self.send(m.from, Found{it == state.end() ? std::nullopt : std::optional<std::int64_t>(it->second)});
            return true;
          }),
          on<Delete>([&](Delete m) {
            state.erase(m.key);
            self.send(m.from, Ok{});
            return true;
          }),
          on<Keys>([&](Keys m) {
            KeyList list;
            for (const auto& [k, _] : state) list.keys.push_back(k);
            self.send(m.from, std::move(list));
            return true;
          }),
          on<Stop>([] { return false; }));
    }
  };
}

void put(Process& client, Pid store, std::string key, std::int64_t value, std::chrono::milliseconds timeout) {
  client.send(store, Put{std::move(key), value, client.self()});
  await_reply<Ok>(client, timeout);
}

std::optional<std::int64_t> get(Process& client, Pid store, std::string key, std::chrono::milliseconds timeout) {
  client.send(store, GetKey{std::move(key), client.self()});
  return await_reply<Found>(client, timeout).value;
}

void del(Process& client, Pid store, std::string key, std::chrono::milliseconds timeout) {
  client.send(store, Delete{std::move(key), client.self()});
  await_reply<Ok>(client, timeout);
}

std::vector<std::string> keys(Process& client, Pid store, std::chrono::milliseconds timeout) {
  client.send(store, Keys{client.self()});
  return await_reply<KeyList>(client, timeout).keys;
}

void stop(Process& client, Pid store) { client.send(store, Stop{}); }

}  // namespace actorspec::guide::kv

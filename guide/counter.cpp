#include "actorspec_guide/counter.hpp"

namespace actorspec::guide::counter {

Body start(std::int64_t initial) {
  return [initial](Process& self) {
    std::int64_t value = initial;
    for (bool running = true; running;) {
      running = self.receive(
          on<Increment>([&](Increment m) {
            self.send(m.from, Value{++value});
            return true;
          }),
          on<Get>([&](Get m) {
            self.send(m.from, Value{value});
            return true;
          }),
          on<Stop>([] { return false; }));
    }
  };
}

std::optional<std::int64_t> await_value(Process& client, std::chrono::milliseconds timeout) {
  return client.receive(on<Value>([](Value v) { return std::optional<std::int64_t>(v.value); }),
                        after(timeout, [] { return std::optional<std::int64_t>(); }));
}

std::optional<std::int64_t> increment(Process& client, Pid counter, std::chrono::milliseconds timeout) {
  client.send(counter, Increment{client.self()});
  return await_value(client, timeout);
}

std::optional<std::int64_t> get(Process& client, Pid counter, std::chrono::milliseconds timeout) {
  client.send(counter, Get{client.self()});
  return await_value(client, timeout);
}

void stop(Process& client, Pid counter) { client.send(counter, Stop{}); }

}  // namespace actorspec::guide::counter

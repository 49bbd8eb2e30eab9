// Linking actorspec::thread registers "thread", and nothing else.
#include <actorspec/actorspec.hpp>

#include <cstdio>

int main() {
  const auto names = actorspec::backend_names();
  if (names != std::vector<std::string>{"thread"}) {
    std::fprintf(stderr, "expected exactly the thread backend, got %zu backends\n", names.size());
    return 1;
  }
  auto rt = actorspec::make_runtime("thread");
  const actorspec::ExitReason r = rt->run([](actorspec::Process& self) {
    self.send(self.self(), 42);
    if (self.receive<int>() != 42) self.exit(actorspec::ExitReason::user("wrong message"));
  });
  if (!r.is_normal()) {
    std::fprintf(stderr, "the process ended with %s\n", r.to_string().c_str());
    return 1;
  }
  std::puts("uses_backend: ok");
  return 0;
}

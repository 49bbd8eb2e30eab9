// Linking the thread executor alone registers no backend; the executor is
// usable through the core, under a name of one's own.
#include <actorspec/actorspec.hpp>
#include <actorspec/core/core_runtime.hpp>

#include <cstdio>

#include "thread_executor.hpp"

int main() {
  if (!actorspec::backend_names().empty()) {
    std::fprintf(stderr, "linking the executor registered a backend\n");
    return 1;
  }
  auto rt = actorspec::core::make_runtime(
      "mine", std::make_unique<actorspec::thread_backend::ThreadExecutor>(
                  actorspec::thread_backend::ThreadExecutor::kDefaultStackSize));
  const actorspec::ExitReason r = rt->run([](actorspec::Process&) {});
  if (!r.is_normal() || rt->backend() != "mine") return 1;
  std::puts("uses_executor: ok");
  return 0;
}

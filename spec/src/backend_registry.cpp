#include <map>
#include <mutex>
#include <string>

#include "actorspec/backends.hpp"
#include "actorspec/errors.hpp"

namespace actorspec {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, RuntimeFactory, std::less<>> factories;
};

// Function-local so registration from other translation units' static
// initialisers never sees an unconstructed registry.
Registry& registry() {
  static Registry r;
  return r;
}

// RuntimeOptions' ranges, checked here so that every backend, a third
// party's included, refuses the same values the same way (SPEC RT-13).
void validate(const RuntimeOptions& o) {
  if (o.workers > RuntimeOptions::kMaxWorkers)
    throw BadArg("RuntimeOptions::workers = " + std::to_string(o.workers) + " is more than the " +
                 std::to_string(RuntimeOptions::kMaxWorkers) + " worker threads a runtime may have");
  if (o.stack_size != 0 && o.stack_size < RuntimeOptions::kMinStackSize)
    throw BadArg("RuntimeOptions::stack_size = " + std::to_string(o.stack_size) + " bytes is below the minimum of " +
                 std::to_string(RuntimeOptions::kMinStackSize) + " (0 means the backend's default)");
  if (o.stack_size > RuntimeOptions::kMaxStackSize)
    throw BadArg("RuntimeOptions::stack_size = " + std::to_string(o.stack_size) + " bytes is above the maximum of " +
                 std::to_string(RuntimeOptions::kMaxStackSize));
}

}  // namespace

void register_backend(std::string name, RuntimeFactory factory) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  r.factories[std::move(name)] = std::move(factory);
}

std::vector<std::string> backend_names() {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  std::vector<std::string> names;
  for (auto& [name, _] : r.factories) names.push_back(name);
  return names;
}

std::unique_ptr<Runtime> make_runtime(std::string_view name, const RuntimeOptions& options) {
  RuntimeFactory factory;
  {
    auto& r = registry();
    std::lock_guard lock(r.mu);
    auto it = r.factories.find(name);
    if (it == r.factories.end()) {
      std::string known;
      for (auto& [n, _] : r.factories) known += (known.empty() ? "" : ", ") + n;
      throw UnknownBackend(std::string(name), known.empty() ? "none" : known);
    }
    factory = it->second;
  }
  validate(options);
  return factory(options);
}

}  // namespace actorspec

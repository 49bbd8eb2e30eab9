#pragma once
// The backend registry: obtain a runtime by name, list the names, and add a
// backend of your own (then the conformance suite runs on it unchanged).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actorspec/runtime.hpp"

namespace actorspec {

using RuntimeFactory = std::function<std::unique_ptr<Runtime>(const RuntimeOptions&)>;

// Adds (or replaces) a backend. Thread-safe; may run during static init.
void register_backend(std::string name, RuntimeFactory factory);

// Registered backend names, sorted.
std::vector<std::string> backend_names();

// Throws UnknownBackend for a name nobody registered.
std::unique_ptr<Runtime> make_runtime(std::string_view name, const RuntimeOptions& options = {});

// Registers a backend from a static initializer:
//   static actorspec::BackendRegistration reg("mine", [](auto& o) {...});
struct BackendRegistration {
  BackendRegistration(std::string name, RuntimeFactory factory) { register_backend(std::move(name), std::move(factory)); }
};

}  // namespace actorspec

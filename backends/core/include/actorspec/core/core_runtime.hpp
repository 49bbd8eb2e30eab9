#pragma once
// Builds a Runtime from an Executor: the one place backends meet the core.

#include <memory>
#include <string>

#include "actorspec/core/executor.hpp"
#include "actorspec/runtime.hpp"

namespace actorspec::core {

std::unique_ptr<Runtime> make_runtime(std::string backend_name, std::unique_ptr<Executor> executor);

}  // namespace actorspec::core

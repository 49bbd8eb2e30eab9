#pragma once
// actorspec's Runtime contract over CAF 0.17 blocking actors: one
// caf::actor_system per runtime, one blocking actor (its own thread) per
// process. See README.md for what maps onto what, and where CAF differs.

#include <memory>

#include "actorspec/runtime.hpp"

namespace actorspec_caf {

std::unique_ptr<actorspec::Runtime> make_runtime(const actorspec::RuntimeOptions& options);

}  // namespace actorspec_caf

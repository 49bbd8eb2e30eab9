#include <actorspec/backends.hpp>
#include "caf_runtime.hpp"
static actorspec::BackendRegistration caf_backend("caf", actorspec_caf::make_runtime);

#pragma once
// Shared by the tbb backend's tests. Timeouts come from the conformance
// fixture (patience(), scaled() with $ACTORSPEC_TIMEOUT_SCALE).

#include "actorspec_conformance/fixture.hpp"

namespace actorspec::tbb_backend::testing {

using conformance::patience;
using conformance::scaled;

// ThreadSanitizer registers every fiber as a thread and dies past 8128
// live ones, so the stress tests shrink their process counts under it.
#if defined(__SANITIZE_THREAD__)
inline constexpr int kMaxStressProcesses = 5000;
#else
inline constexpr int kMaxStressProcesses = 20000;
#endif

}  // namespace actorspec::tbb_backend::testing

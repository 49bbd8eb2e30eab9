#pragma once
// What a report needs to know about the run besides its numbers: added to
// the JSON "context" through benchmark::AddCustomContext.

#include <vector>

#include "harness.hpp"

namespace actorspec::perf {

void add_run_context(Mode mode, const std::vector<BackendInfo>& backends);

// Warns on stderr when the numbers would not mean much: a sanitizer build or
// one without NDEBUG.
void warn_if_not_optimised();

}  // namespace actorspec::perf

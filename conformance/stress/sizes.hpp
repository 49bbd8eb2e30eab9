#pragma once
// Sizes of the stress suite. CTest runs it small (CI-sized defaults, total
// well under a minute per backend on 2 cores); scripts/stress sets the
// ACTORSPEC_STRESS_* variables to the sizes. A size is read once per
// test from its variable; the thread backend (one OS thread per process)
// and ThreadSanitizer builds (about 8k live threads or fibers at most) get
// their own, smaller, defaults.

#include <cstddef>
#include <string>

namespace actorspec::stress {

struct Default {
  std::size_t pooled;  // tbb, fiber and any backend not named below
  std::size_t thread;  // the thread backend: one OS thread per process
};

// $name if set (a positive integer), else the default for `backend`, scaled
// down under ThreadSanitizer by `tsan_divisor`.
std::size_t size_for(const char* name, const std::string& backend, Default d, std::size_t tsan_divisor = 4);

// Prints one result line that scripts/stress collects: "[stress] key=value ...".
void report(const std::string& test, const std::string& backend, const std::string& figures);

}  // namespace actorspec::stress

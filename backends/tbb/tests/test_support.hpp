#pragma once
// Shared by the tbb backend's tests: timeouts scaled like the conformance
// suite's ($ACTORSPEC_TIMEOUT_SCALE, for slow sanitizer builds).

#include <chrono>
#include <cstdlib>

namespace actorspec::tbb_backend::testing {

inline double timeout_scale() {
  const char* env = std::getenv("ACTORSPEC_TIMEOUT_SCALE");
  const double s = env ? std::atof(env) : 1.0;
  return s > 0 ? s : 1.0;
}

template <class Rep, class Period>
std::chrono::nanoseconds scaled(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d * timeout_scale());
}

// ThreadSanitizer registers every fiber as a thread and dies past 8128
// live ones, so the stress tests shrink their process counts under it.
#if defined(__SANITIZE_THREAD__)
inline constexpr int kMaxStressProcesses = 5000;
#else
inline constexpr int kMaxStressProcesses = 20000;
#endif

// Long enough that only a broken runtime waits this long.
inline std::chrono::nanoseconds patience() { return scaled(std::chrono::seconds(20)); }

}  // namespace actorspec::tbb_backend::testing

#include "sizes.hpp"

#include <cstdio>
#include <cstdlib>

namespace actorspec::stress {

namespace {
#if defined(__SANITIZE_THREAD__)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif
}  // namespace

std::size_t size_for(const char* name, const std::string& backend, Default d, std::size_t tsan_divisor) {
  if (const char* env = std::getenv(name); env && *env) {
    const long long v = std::atoll(env);
    if (v > 0) return static_cast<std::size_t>(v);
  }
  std::size_t n = backend == "thread" ? d.thread : d.pooled;
  if (kTsan) n = n / tsan_divisor > 0 ? n / tsan_divisor : 1;
  return n;
}

void report(const std::string& test, const std::string& backend, const std::string& figures) {
  std::printf("[stress] test=%s backend=%s %s\n", test.c_str(), backend.c_str(), figures.c_str());
  std::fflush(stdout);
}

}  // namespace actorspec::stress

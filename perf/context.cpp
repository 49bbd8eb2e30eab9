#include "context.hpp"

#include <cstdio>
#include <string>

#include "actorspec_perf/build_info.hpp"

namespace actorspec::perf {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kCompiledWithSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool kCompiledWithSanitizer = true;
#else
constexpr bool kCompiledWithSanitizer = false;
#endif
#else
constexpr bool kCompiledWithSanitizer = false;
#endif

#ifdef NDEBUG
constexpr bool kAssertions = false;
#else
constexpr bool kAssertions = true;
#endif

std::string sanitizer() {
  const std::string configured = ACTORSPEC_PERF_SANITIZER;
  if (!configured.empty()) return configured;
  return kCompiledWithSanitizer ? "yes" : "none";
}

std::string join(const std::vector<BackendInfo>& backends, bool with_workers) {
  std::string out;
  for (const auto& b : backends) {
    if (!out.empty()) out += ',';
    out += b.name;
    if (with_workers) out += '=' + std::to_string(b.workers);
  }
  return out;
}

}  // namespace

void add_run_context(Mode mode, const std::vector<BackendInfo>& backends) {
  benchmark::AddCustomContext("actorspec_backends", join(backends, false));
  benchmark::AddCustomContext("actorspec_workers", join(backends, true));
  benchmark::AddCustomContext("actorspec_mode", mode == Mode::quick ? "quick" : "full");
  benchmark::AddCustomContext("actorspec_build_type", ACTORSPEC_PERF_BUILD_TYPE);
  benchmark::AddCustomContext("actorspec_sanitizer", sanitizer());
  benchmark::AddCustomContext("actorspec_assertions", kAssertions ? "on" : "off");
  benchmark::AddCustomContext("actorspec_compiler", ACTORSPEC_PERF_COMPILER);
  benchmark::AddCustomContext("actorspec_git_commit", ACTORSPEC_PERF_GIT_COMMIT);
  benchmark::AddCustomContext("actorspec_versions", std::string("{\"oneTBB\":\"") + ACTORSPEC_PERF_VERSION_ONETBB +
                                                        "\",\"Boost\":\"" + ACTORSPEC_PERF_VERSION_BOOST +
                                                        "\",\"GoogleTest\":\"" + ACTORSPEC_PERF_VERSION_GTEST +
                                                        "\",\"GoogleBenchmark\":\"" +
                                                        ACTORSPEC_PERF_VERSION_BENCHMARK + "\"}");
  benchmark::AddCustomContext("actorspec_timing",
                              "manual: a driver process reads a steady clock around the work only; "
                              "real_time is ns per operation (one batch of `iterations` operations per repetition)");
}

void warn_if_not_optimised() {
  if (sanitizer() != "none") {
    std::fprintf(stderr, "WARNING: actorspec_perf was built with a sanitizer (%s): timings are not representative.\n",
                 sanitizer().c_str());
  }
  if (kAssertions) {
    std::fprintf(stderr,
                 "WARNING: actorspec_perf was built without NDEBUG (build type %s): timings are not "
                 "representative; use the release preset.\n",
                 ACTORSPEC_PERF_BUILD_TYPE);
  }
}

}  // namespace actorspec::perf

// actorspec_perf: every benchmark family registered once per backend found
// at startup. See perf/README.md for the flags and the timing model.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "backend_last_reporter.hpp"
#include "benchmarks.hpp"
#include "context.hpp"
#include "options.hpp"

namespace {

using namespace actorspec::perf;

void print_all_help() {
  print_help();
  benchmark::PrintDefaultHelp();
}

// The backends to benchmark and the workers each one's default runtime has.
std::vector<BackendInfo> discover(const Options& options) {
  std::vector<std::string> names = actorspec::backend_names();
  if (options.backends) {
    for (const auto& wanted : *options.backends) {
      if (std::find(names.begin(), names.end(), wanted) == names.end()) {
        std::fprintf(stderr, "actorspec_perf: no backend named '%s'\n", wanted.c_str());
        std::exit(2);
      }
    }
    names = *options.backends;
    std::sort(names.begin(), names.end());
  }
  std::vector<BackendInfo> out;
  for (const auto& name : names) out.push_back({name, actorspec::make_runtime(name)->workers()});
  return out;
}

std::unique_ptr<benchmark::BenchmarkReporter> file_reporter_for(const std::string& format) {
  if (format == "console") return std::make_unique<benchmark::ConsoleReporter>(benchmark::ConsoleReporter::OO_None);
  if (format != "json") {
    std::fprintf(stderr, "actorspec_perf: --benchmark_out_format=%s is not supported (json or console)\n",
                 format.c_str());
    std::exit(2);
  }
  return std::make_unique<benchmark::JSONReporter>();
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  std::vector<char*> bm_argv;
  for (const auto& a : options.benchmark_args) bm_argv.push_back(const_cast<char*>(a.c_str()));
  int bm_argc = static_cast<int>(bm_argv.size());
  benchmark::Initialize(&bm_argc, bm_argv.data(), print_all_help);
  if (benchmark::ReportUnrecognizedArguments(bm_argc, bm_argv.data())) return 1;

  warn_if_not_optimised();
  const std::vector<BackendInfo> backends = discover(options);
  add_run_context(options.mode, backends);

  const Registrar r(options.mode, backends);
  register_spawn(r);
  register_ping_pong(r);
  register_ring(r);
  register_fan_in(r);
  register_selective_receive(r);
  register_timers(r);
  register_guide_counter(r);
  register_guide_kv_store(r);
  register_guide_parallel_map(r);
  register_guide_worker_pool(r);
  register_memory(r);

  BackendLastReporter display(std::unique_ptr<benchmark::BenchmarkReporter>(benchmark::CreateDefaultDisplayReporter()));
  if (options.out_file.empty()) {
    benchmark::RunSpecifiedBenchmarks(&display);
  } else {
    BackendLastReporter file(file_reporter_for(options.out_format));
    benchmark::RunSpecifiedBenchmarks(&display, &file);
  }
  benchmark::Shutdown();
  return 0;
}

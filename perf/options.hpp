#pragma once
// The perf binary's own flags, taken out of argv before Google Benchmark
// sees it, and the defaults it adds to Google Benchmark's flags.

#include <optional>
#include <string>
#include <vector>

#include "harness.hpp"

namespace actorspec::perf {

struct Options {
  Mode mode = Mode::full;
  // Backends to benchmark: --backends=a,b, else $ACTORSPEC_BACKENDS, else all.
  std::optional<std::vector<std::string>> backends;
  // --benchmark_out / --benchmark_out_format, read here too because this
  // binary installs its own file reporter.
  std::string out_file;
  std::string out_format = "json";
  // argv for benchmark::Initialize: our defaults first, then the user's
  // Google Benchmark flags (a later flag wins).
  std::vector<std::string> benchmark_args;
};

Options parse_options(int argc, char** argv);

// Printed by --help before Google Benchmark's own flags.
void print_help();

}  // namespace actorspec::perf

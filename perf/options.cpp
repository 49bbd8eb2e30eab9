#include "options.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

namespace actorspec::perf {
namespace {

std::vector<std::string> split_commas(std::string_view list) {
  std::vector<std::string> out;
  std::stringstream in{std::string(list)};
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> user;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      o.mode = Mode::quick;
    } else if (arg == "--full") {
      o.mode = Mode::full;
    } else if (starts_with(arg, "--backends=")) {
      o.backends = split_commas(arg.substr(std::string_view("--backends=").size()));
    } else {
      if (starts_with(arg, "--benchmark_out=")) o.out_file = arg.substr(std::string_view("--benchmark_out=").size());
      if (starts_with(arg, "--benchmark_out_format="))
        o.out_format = arg.substr(std::string_view("--benchmark_out_format=").size());
      user.emplace_back(arg);
    }
  }
  if (!o.backends) {
    if (const char* env = std::getenv("ACTORSPEC_BACKENDS"); env && *env) o.backends = split_commas(env);
  }
  o.benchmark_args.emplace_back(argc > 0 ? argv[0] : "actorspec_perf");
  o.benchmark_args.emplace_back(o.mode == Mode::quick ? "--benchmark_repetitions=3" : "--benchmark_repetitions=9");
  o.benchmark_args.emplace_back("--benchmark_enable_random_interleaving=true");
  o.benchmark_args.emplace_back("--benchmark_display_aggregates_only=true");
  o.benchmark_args.insert(o.benchmark_args.end(), user.begin(), user.end());
  return o;
}

void print_help() {
  std::fputs(
      "actorspec_perf: the actorspec perf suite, every benchmark once per backend.\n"
      "  --quick            small sizes, 3 repetitions: a smoke run of a few seconds\n"
      "  --full             the default: full sizes, 9 repetitions\n"
      "  --backends=a,b     only these backends (default: $ACTORSPEC_BACKENDS, else all)\n"
      "Defaults added before your flags (yours win): --benchmark_repetitions=9 (3 with\n"
      "--quick), --benchmark_enable_random_interleaving=true,\n"
      "--benchmark_display_aggregates_only=true. See perf/README.md.\n\n",
      stdout);
}

}  // namespace actorspec::perf

// actorspec_differential: random programs, run on backends and on the
// reference model, compared step by step.
//
//   actorspec_differential [--backend NAME]... [--seed S] [--seeds N]
//                          [--steps K] [--puppets M] [--print]
//
// Seeds S, S+1, ..., S+N-1 each give one program (the same on every
// machine). Every program runs on every backend named (default: all
// registered). On a disagreement the program is shrunk, on that backend,
// to the smallest that still disagrees, and printed with its trace; the
// exit status is then 1. Reproduce one with --seed S --seeds 1.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "program.hpp"
#include "runner.hpp"

using namespace actorspec;
using namespace actorspec::differential;

namespace {

struct Args {
  std::vector<std::string> backends;
  std::uint64_t seed = 1;
  long seeds = 1;
  GeneratorOptions gen;
  bool print = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "actorspec_differential: %s\nusage: actorspec_differential [--backend NAME]... [--seed S] [--seeds N] "
               "[--steps K] [--puppets M] [--print]\n",
               why);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--backend") {
      std::stringstream in(value());
      for (std::string b; std::getline(in, b, ',');)
        if (!b.empty()) a.backends.push_back(b);
    } else if (arg == "--seed") {
      a.seed = std::stoull(value());
    } else if (arg == "--seeds") {
      a.seeds = std::stol(value());
    } else if (arg == "--steps") {
      a.gen.steps = std::stoi(value());
    } else if (arg == "--puppets") {
      a.gen.max_puppets = std::stoi(value());
    } else if (arg == "--print") {
      a.print = true;
    } else {
      usage(("unknown argument " + arg).c_str());
    }
  }
  if (a.backends.empty()) a.backends = backend_names();
  if (a.seeds < 1 || a.gen.steps < 1 || a.gen.max_puppets < 1) usage("sizes must be positive");
  return a;
}

// Sanitizer builds run slower: scale the patience as the conformance suite does.
std::chrono::milliseconds patience() {
  const char* env = std::getenv("ACTORSPEC_TIMEOUT_SCALE");
  const double scale = env && std::atof(env) > 0 ? std::atof(env) : 1.0;
  return std::chrono::milliseconds(static_cast<long long>(2000 * scale));
}

// Greedy delta debugging: drop chunks of steps, halving the chunk size,
// while the program still disagrees on `backend`.
Program shrink(const std::string& backend, Program program, const RunOptions& options) {
  for (std::size_t chunk = program.size() / 2; chunk >= 1; chunk = chunk / 2) {
    bool progress = true;
    while (progress) {
      progress = false;
      for (std::size_t at = 0; at + chunk <= program.size();) {
        Program smaller = program;
        smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(at),
                      smaller.begin() + static_cast<std::ptrdiff_t>(at + chunk));
        if (!run_program(backend, smaller, options).agree) {
          program = std::move(smaller);
          progress = true;
        } else {
          at += chunk;
        }
      }
    }
    if (chunk == 1) break;
  }
  return program;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  RunOptions options;
  options.max_puppets = args.gen.max_puppets;
  options.patience = patience();
  const auto start = std::chrono::steady_clock::now();
  long programs = 0, steps = 0, disagreements = 0;
  for (long n = 0; n < args.seeds; ++n) {
    const std::uint64_t seed = args.seed + static_cast<std::uint64_t>(n);
    const Program program = generate(seed, args.gen);
    if (args.print) std::printf("seed %llu:\n%s", static_cast<unsigned long long>(seed), to_string(program).c_str());
    for (const std::string& backend : args.backends) {
      ++programs;
      const RunResult r = run_program(backend, program, options);
      steps += r.steps_run;
      if (args.print) std::printf("%s trace:\n%s", backend.c_str(), r.trace.c_str());
      if (r.agree) continue;
      ++disagreements;
      std::printf("DISAGREEMENT seed=%llu backend=%s at step #%d: %s\n", static_cast<unsigned long long>(seed),
                  backend.c_str(), r.step, r.disagreement.c_str());
      const Program small = shrink(backend, program, options);
      int again = 0;
      RunResult last;
      for (int k = 0; k < 5; ++k) {
        last = run_program(backend, small, options);
        again += last.agree ? 0 : 1;
      }
      std::printf("smallest program that still disagrees (%zu of %zu steps; disagrees in %d of 5 reruns):\n%s",
                  small.size(), program.size(), again, to_string(small).c_str());
      std::printf("its trace on %s:\n%s", backend.c_str(), (last.agree ? run_program(backend, small, options) : last).trace.c_str());
      std::printf("disagreement: %s\n", (last.agree ? r : last).disagreement.c_str());
      std::fflush(stdout);
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[fuzz] seeds=%llu..%llu backends=%zu programs=%ld steps=%ld disagreements=%ld seconds=%.2f\n",
              static_cast<unsigned long long>(args.seed),
              static_cast<unsigned long long>(args.seed + static_cast<std::uint64_t>(args.seeds) - 1),
              args.backends.size(), programs, steps, disagreements, secs);
  return disagreements == 0 ? 0 : 1;
}

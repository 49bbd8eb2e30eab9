#pragma once
// Keeps the backend the last element of every reported benchmark name.
//
// Google Benchmark appends its own path elements to a registered name
// ("/iterations:N" for a fixed iteration count, "/manual_time" for manual
// timing, "/repeats:N", "/min_time:S"). The report generator finds the
// backend as the last element, so this reporter clears those parts before
// handing each run to the reporter it wraps. Nothing is lost: iterations and
// repetitions are fields of every run, and the timing model is in the
// JSON context (actorspec_timing) and perf/README.md.

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

namespace actorspec::perf {

class BackendLastReporter final : public benchmark::BenchmarkReporter {
 public:
  explicit BackendLastReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner) : inner_(std::move(inner)) {}

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  // Google Benchmark sets the streams on this object; the inner one writes.
  void share_streams();

  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};

}  // namespace actorspec::perf

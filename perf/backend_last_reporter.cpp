#include "backend_last_reporter.hpp"

namespace actorspec::perf {

void BackendLastReporter::share_streams() {
  inner_->SetOutputStream(&GetOutputStream());
  inner_->SetErrorStream(&GetErrorStream());
}

bool BackendLastReporter::ReportContext(const Context& context) {
  share_streams();
  return inner_->ReportContext(context);
}

void BackendLastReporter::ReportRuns(const std::vector<Run>& runs) {
  share_streams();
  std::vector<Run> renamed = runs;
  for (Run& run : renamed) {
    run.run_name.min_time.clear();
    run.run_name.min_warmup_time.clear();
    run.run_name.iterations.clear();
    run.run_name.repetitions.clear();
    run.run_name.time_type.clear();
  }
  inner_->ReportRuns(renamed);
}

void BackendLastReporter::Finalize() {
  share_streams();
  inner_->Finalize();
}

}  // namespace actorspec::perf

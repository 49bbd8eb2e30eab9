#include "worker_lease.hpp"

#include <oneapi/tbb/global_control.h>

#include <memory>
#include <mutex>

namespace actorspec::tbb_backend {
namespace {

struct Budget {
  std::mutex mu;
  unsigned leased = 0;
  std::unique_ptr<tbb::global_control> limit;

  // TBB keeps the smallest of all live limits, so the old one goes first.
  void apply() {
    limit.reset();
    if (leased > 0)
      limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, leased + 1);
  }
};

// Never destroyed: a runtime may outlive static destruction order. It holds
// no global_control once the last runtime is gone.
Budget& budget() {
  static Budget* b = new Budget;
  return *b;
}

}  // namespace

WorkerLease::WorkerLease(unsigned workers) : workers_(workers) {
  Budget& b = budget();
  std::lock_guard lock(b.mu);
  b.leased += workers_;
  b.apply();
}

WorkerLease::~WorkerLease() {
  Budget& b = budget();
  std::lock_guard lock(b.mu);
  b.leased -= workers_;
  b.apply();
}

}  // namespace actorspec::tbb_backend

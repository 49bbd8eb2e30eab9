#pragma once
// Two processes of one executor wake each other through the Executor seam
// and nothing else: the backend's share of a message round trip. Used by
// the hand-run wake_cost tools of each backend.

#include <optional>
#include <semaphore>

#include "actorspec/core/executor.hpp"

namespace actorspec::testing {

inline void seam_ping_pong(core::Executor& ex, int trips) {
  struct Process final : core::Schedulable {};
  Process a, b;
  std::binary_semaphore done{0};
  ex.launch(b, [&] {
    for (int i = 0; i < trips; ++i) {
      ex.park(b, std::nullopt);
      ex.wake(a);
    }
  });
  ex.launch(a, [&] {
    for (int i = 0; i < trips; ++i) {
      ex.wake(b);
      ex.park(a, std::nullopt);
    }
    done.release();
  });
  done.acquire();
  ex.join();
}

}  // namespace actorspec::testing

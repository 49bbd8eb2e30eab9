#include "context_switch.hpp"

namespace actorspec::tbb_backend {

using namespace stackful;

WorkerSwitch::WorkerSwitch(SwitchState& process, const void* stack_bottom, std::size_t stack_size) {
  worker_eh_ = exchange_thread_eh_state(process.eh);
  if constexpr (kTsanBuild) {
    worker_tsan_fiber_ = tsan_current_fiber();
    tsan_switch_to_fiber(process.tsan_fiber);
  }
  start_switch(&worker_fake_stack_, stack_bottom, stack_size);
}

void WorkerSwitch::returned(SwitchState& process) {
  if constexpr (kTsanBuild) tsan_switch_to_fiber(worker_tsan_fiber_);
  finish_switch(worker_fake_stack_, nullptr, nullptr);
  process.eh = exchange_thread_eh_state(worker_eh_);
}

void arrived_on_process([[maybe_unused]] SwitchState& process) {
#if defined(__SANITIZE_ADDRESS__)
  finish_switch(process.fake_stack, &process.worker_bottom, &process.worker_size);
#endif
}

void leaving_process([[maybe_unused]] SwitchState& process, [[maybe_unused]] bool ending) {
#if defined(__SANITIZE_ADDRESS__)
  // A null fake-stack slot tells ASan this stack is done and its fake
  // frames can go.
  start_switch(ending ? nullptr : &process.fake_stack, process.worker_bottom, process.worker_size);
#endif
}

}  // namespace actorspec::tbb_backend

#pragma once
// The benchmark families, one file each. Every family registers itself for
// every backend in the registrar (see harness.hpp for the timing model).

#include "harness.hpp"

namespace actorspec::perf {

void register_spawn(const Registrar& r);              // spawn/throughput, spawn/latency
void register_ping_pong(const Registrar& r);          // ping_pong/same_worker, ping_pong/default_workers
void register_ring(const Registrar& r);               // ring
void register_fan_in(const Registrar& r);             // fan_in
void register_selective_receive(const Registrar& r);  // selective_receive
void register_timers(const Registrar& r);             // timers
void register_guide_counter(const Registrar& r);      // guide/counter
void register_guide_kv_store(const Registrar& r);     // guide/kv_store
void register_guide_parallel_map(const Registrar& r);  // guide/parallel_map
void register_guide_worker_pool(const Registrar& r);  // guide/worker_pool
void register_memory(const Registrar& r);             // memory/idle_process

}  // namespace actorspec::perf

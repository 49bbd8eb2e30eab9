// selective_receive: one matching message behind D non-matching ones.
// The driver fills its own mailbox with D messages of another type, then
// repeatedly sends itself the wanted message and receives it: every receive
// scans past the D skipped messages (which stay, in order). Reports ns per
// receive, self-send included.

#include <algorithm>

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

struct Noise {
  std::int64_t seq;
};
struct Wanted {};

void selective_receive(benchmark::State& state, const BackendInfo& backend, std::int64_t depth, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per receive of one matching message behind D=" + std::to_string(depth) +
                 " non-matching ones (self-send included)");
  measure(state, *rt, n, [&](Process& self) {
    const Pid me = self.self();
    for (std::int64_t i = 0; i < depth; ++i) self.send(me, Noise{i});
    self.send(me, Wanted{});  // warm-up: the first receive also moves the noise out of the inbox
    self.receive<Wanted>();
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      self.send(me, Wanted{});
      self.receive<Wanted>();
    }
    const double seconds = seconds_between(t0, Clock::now());
    if (self.mailbox_size() != static_cast<std::size_t>(depth)) throw std::logic_error("noise messages were lost");
    return seconds;
  });
}

}  // namespace

void register_selective_receive(const Registrar& r) {
  const std::vector<std::int64_t> depths = {0, 10, 100, 1'000, 10'000};
  // Receives per repetition: fewer behind deep mailboxes, so each size
  // costs about the same number of scanned messages.
  const std::int64_t scan_budget = r.size<std::int64_t>(200'000, 20'000'000);
  const std::int64_t most = r.size<std::int64_t>(500, 50'000);
  const std::int64_t least = r.size<std::int64_t>(20, 500);
  r.describe({.key = "selective_receive",
              .operation = "a self-send and the receive of the one matching message behind D non-matching ones, "
                           "which stay queued in order",
              .unit = "ns per receive (self-send included)",
              .sizes = "D = 0 to 10,000 queued messages; fewer receives behind deeper mailboxes"});
  for (const std::int64_t d : depths) {
    const std::int64_t n = std::clamp(scan_budget / (d + 1), least, most);
    r.for_each_backend("selective_receive/D:" + std::to_string(d), n,
                       [d, n](benchmark::State& s, const BackendInfo& b) { selective_receive(s, b, d, n); });
  }
}

}  // namespace actorspec::perf

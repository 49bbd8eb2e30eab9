// Registry churn (REG-1, REG-6, REG-8, REG-10): workers at once name short
// lived holders, unregister names, look them up and send by name, over a
// small pool of names. Whenever a worker has seen a holder's Down it adds
// the holder to a shared set; a lookup that starts after that and still
// finds the holder breaks REG-6 (a name is freed before anyone can learn
// of its holder's end).

#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "stress_fixture.hpp"

namespace actorspec::stress {
namespace {

using conformance::patience;

struct Stop {};
struct Tried {};  // a holder tried to take its name
struct Ping {
  Pid from;
};
struct Pong {};
struct Done {
  long lookups, hits, pongs;
};

// Holders whose Down some worker has seen, each with the time (a counter)
// it was buried. A lookup compares with the time it started: a holder
// buried after the lookup began may rightly still have been found.
class Graveyard {
 public:
  void bury(Pid p) {
    std::lock_guard lock(mu_);
    dead_.emplace(p, ++now_);
  }
  long now() {
    std::lock_guard lock(mu_);
    return now_;
  }
  bool buried_by(Pid p, long time) {
    std::lock_guard lock(mu_);
    const auto it = dead_.find(p);
    return it != dead_.end() && it->second <= time;
  }

 private:
  std::mutex mu_;
  long now_ = 0;
  std::unordered_map<Pid, long> dead_;
};

std::string name_of(unsigned i) { return "holder-" + std::to_string(i); }

// Takes the name (or ends if someone holds it), answers Pings, ends on Stop.
void holder(Process& self, Pid worker, std::string name) {
  bool named = true;
  try {
    self.register_name(name, self.self());
  } catch (const NameTaken&) {
    named = false;
  }
  self.send(worker, Tried{});
  if (!named) return;
  for (;;) {
    const bool stop = self.receive(on<Stop>([] { return true; }), on<Ping>([&](Ping p) {
                                     self.send(p.from, Pong{});
                                     return false;
                                   }));
    if (stop) return;
  }
}

void worker(Process& self, Pid parent, unsigned seed, long ops, unsigned names, Graveyard& graves) {
  std::mt19937 rng(seed);
  std::unordered_map<Ref, Pid> holders;
  Done done{0, 0, 0};
  auto reap = [&](std::chrono::milliseconds wait) {
    return self.receive(on<Down>([&](Down d) {
                          EXPECT_EQ(holders.erase(d.ref), 1u);
                          graves.bury(d.pid);
                          return true;
                        }),
                        on<Pong>([&] {
                          ++done.pongs;
                          return true;
                        }),
                        after(wait, [] { return false; }));
  };
  for (long i = 0; i < ops; ++i) {
    const std::string name = name_of(rng() % names);
    switch (rng() % 6) {
      case 0:
      case 1:
        {
        const Pid me = self.self();
        const auto [pid, ref] = self.spawn_monitor([me, name](Process& h) { holder(h, me, name); });
        holders.emplace(ref, pid);
        // Wait for it: with no preemption, a pooled backend might otherwise
        // run the holders only once the busy workers are done.
        EXPECT_TRUE(self.receive_for<Tried>(patience()));
      }
        break;
      case 2: {
        ++done.lookups;
        const long started = graves.now();
        if (const auto p = self.whereis(name)) {
          ++done.hits;
          EXPECT_FALSE(graves.buried_by(*p, started)) << "'" << name << "' resolved to " << *p << ", whose Down was seen";
        }
        break;
      }
      case 3:
        try {
          self.send(name, Ping{self.self()});
        } catch (const UnknownName&) {
        }
        break;
      case 4:
        try {
          self.send(name, Stop{});
        } catch (const UnknownName&) {
        }
        break;
      default:
        try {
          self.unregister_name(name);
        } catch (const UnknownName&) {
        }
        break;
    }
    while (reap(std::chrono::milliseconds(0))) {
    }
  }
  // End every holder still alive, named or not, and see each Down.
  for (auto& [ref, pid] : holders) self.exit(pid, ExitReason::kill());
  while (!holders.empty())
    if (!reap(patience())) {
      ADD_FAILURE() << holders.size() << " holders never sent their Down";
      break;
    }
  self.send(parent, done);
}

class RegistryChurn : public conformance::RuntimeTest {};

TEST_P(RegistryChurn, a_name_never_resolves_to_a_process_whose_down_was_seen) {
  const long ops = static_cast<long>(size_for("ACTORSPEC_STRESS_REGISTRY", GetParam(), {.pooled = 20000, .thread = 3000}));
  constexpr unsigned kWorkers = 8, kNames = 16;
  Graveyard graves;
  Done total{0, 0, 0};
  const auto start = std::chrono::steady_clock::now();
  run([&](Process& self) {
    const Pid me = self.self();
    for (unsigned w = 0; w < kWorkers; ++w)
      self.spawn_link([me, w, ops, &graves](Process& p) { worker(p, me, w + 1, ops, kNames, graves); });
    for (unsigned w = 0; w < kWorkers; ++w) {
      const auto d = self.receive_for<Done>(patience() * 6);
      ASSERT_TRUE(d) << "a worker never finished";
      total.lookups += d->lookups;
      total.hits += d->hits;
      total.pongs += d->pongs;
    }
  });
  EXPECT_GT(total.hits, 0) << "no lookup ever found a holder: the test exercised nothing";
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("registry_churn", GetParam(),
         "ops=" + std::to_string(ops * kWorkers) + " lookups=" + std::to_string(total.lookups) +
             " hits=" + std::to_string(total.hits) + " pongs=" + std::to_string(total.pongs) +
             " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(RegistryChurn);

}  // namespace
}  // namespace actorspec::stress

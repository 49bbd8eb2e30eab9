// 8 senders x N messages to one receiver: none lost, duplicated or
// reordered per sender (ORD-1, ORD-10). The receiver checks each sender's
// sequence as it goes, so a fault is reported at the first bad message.

#include <chrono>
#include <vector>

#include "stress_fixture.hpp"

namespace actorspec::stress {
namespace {

using conformance::patience;

struct Seq {
  int sender;
  long n;
};

class ManySenders : public conformance::RuntimeTest {};

TEST_P(ManySenders, none_lost_duplicated_or_reordered_per_sender) {
  constexpr int kSenders = 8;
  // The thread backend wakes an OS thread per message it parks for; it
  // moves fewer messages in the same time.
  const long per_sender =
      static_cast<long>(size_for("ACTORSPEC_STRESS_MESSAGES", GetParam(), {.pooled = 50000, .thread = 20000}));
  const auto start = std::chrono::steady_clock::now();
  run([&](Process& self) {
    const Pid receiver = self.self();
    for (int s = 0; s < kSenders; ++s)
      self.spawn([receiver, s, per_sender](Process& p) {
        for (long i = 0; i < per_sender; ++i) p.send(receiver, Seq{s, i});
      });
    std::vector<long> next(kSenders, 0);
    const long total = per_sender * kSenders;
    for (long got = 0; got < total; ++got) {
      const auto m = self.receive_for<Seq>(patience());
      ASSERT_TRUE(m) << "only " << got << " of " << total << " messages arrived";
      ASSERT_GE(m->sender, 0);
      ASSERT_LT(m->sender, kSenders);
      ASSERT_EQ(m->n, next[m->sender]) << "sender " << m->sender << ": message out of order, duplicated or lost";
      ++next[m->sender];
    }
    for (int s = 0; s < kSenders; ++s) EXPECT_EQ(next[s], per_sender);
    EXPECT_EQ(self.mailbox_size(), 0u) << "more messages than were sent";
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("many_senders", GetParam(),
         "messages=" + std::to_string(per_sender * kSenders) + " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(ManySenders);

}  // namespace
}  // namespace actorspec::stress

// The thread backend's park word: FutexPermit keeps one permit, a timed
// wait ends at its deadline, and no wake is lost whether the waiter spins
// or sleeps; SpinBudget adapts as documented; SpinGate leaves a CPU free.
// Nothing here judges a time: the budget's rules are fed outcomes directly.

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "actorspec_conformance/fixture.hpp"
#include "futex_permit.hpp"
#include "spin_budget.hpp"

namespace actorspec::thread_backend {
namespace {

using conformance::patience;
using std::chrono::microseconds;
using Clock = FutexPermit::Clock;

SpinBudget zeroed() {
  SpinBudget b;
  while (b.budget().count() > 0) b.missed();
  return b;
}

TEST(SpinBudget, starts_at_the_most_and_halves_to_zero_after_spins_that_missed) {
  SpinBudget b;
  EXPECT_EQ(b.next(), SpinBudget::kMax);
  b.missed();
  EXPECT_EQ(b.budget(), SpinBudget::kMax / 2);
  int misses = 1;
  for (; misses < 64 && b.budget().count() > 0; ++misses) b.missed();
  EXPECT_EQ(b.budget().count(), 0) << "a thread whose waits are long must stop spinning";
  EXPECT_LE(misses, 8);
}

TEST(SpinBudget, a_spin_that_lost_its_cpu_counts_as_a_miss) {
  SpinBudget b;
  b.descheduled();
  EXPECT_EQ(b.budget(), SpinBudget::kMax / 2);
}

TEST(SpinBudget, at_zero_one_wait_in_probe_every_spins_the_most_and_failed_probes_come_rarer) {
  SpinBudget b = zeroed();
  std::vector<std::uint32_t> gaps;  // waits between probes
  std::uint32_t since = 0;
  while (gaps.size() < 8) {
    ++since;
    const auto spin = b.next();
    if (spin.count() == 0) continue;
    EXPECT_EQ(spin, SpinBudget::kMax);
    gaps.push_back(since);
    since = 0;
    b.missed();  // the probe missed too
    EXPECT_EQ(b.budget().count(), 0);
  }
  EXPECT_EQ(gaps.front(), SpinBudget::kProbeEvery);
  for (std::size_t i = 1; i < gaps.size(); ++i)
    EXPECT_EQ(gaps[i], std::min(2 * gaps[i - 1], SpinBudget::kProbeEveryMost)) << "probe " << i;
  EXPECT_EQ(gaps.back(), SpinBudget::kProbeEveryMost);
}

TEST(SpinBudget, a_probe_without_a_verdict_changes_nothing) {
  SpinBudget b = zeroed();
  while (b.next().count() == 0) {
  }
  b.no_verdict();
  b.missed();  // a later miss is no failed probe
  EXPECT_EQ(b.probe_every(), SpinBudget::kProbeEvery);
}

TEST(SpinBudget, a_wait_caught_spinning_grows_it_to_twice_that_wait_at_most_kMax) {
  SpinBudget b = zeroed();
  while (b.next().count() == 0) {
  }
  b.missed();
  ASSERT_GT(b.probe_every(), SpinBudget::kProbeEvery);
  b.caught(microseconds(3));
  EXPECT_EQ(b.budget(), microseconds(6));
  EXPECT_EQ(b.probe_every(), SpinBudget::kProbeEvery) << "a catch resets the probe interval";
  b.caught(microseconds(1));
  EXPECT_EQ(b.budget(), microseconds(12)) << "a catch never shrinks it";
  b.caught(SpinBudget::kMax);
  EXPECT_EQ(b.budget(), SpinBudget::kMax);
  SpinBudget tiny = zeroed();
  tiny.caught(std::chrono::nanoseconds(10));
  EXPECT_EQ(tiny.budget(), SpinBudget::kMin);
}

TEST(SpinGate, lets_one_fewer_thread_spin_than_there_are_cpus) {
  const long cpus = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  long entered = 0;
  while (entered < cpus + 8 && SpinGate::try_enter()) ++entered;
  EXPECT_EQ(entered, cpus - 1);
  for (long i = 0; i < entered; ++i) SpinGate::leave();
  if (cpus > 1) {
    EXPECT_TRUE(SpinGate::try_enter()) << "leaving frees the places";
    SpinGate::leave();
  }
}

TEST(FutexPermit, a_release_before_the_acquire_is_kept_and_taken_once) {
  FutexPermit p;
  p.release();
  p.release();  // one slot: the second release adds nothing
  EXPECT_TRUE(p.acquire(Clock::now()));
  EXPECT_FALSE(p.acquire(Clock::now() + microseconds(200)));
}

TEST(FutexPermit, a_timed_acquire_without_release_returns_false_at_its_deadline_not_before) {
  FutexPermit p;
  for (auto wait : {microseconds(0), microseconds(10), microseconds(2000)}) {  // within, and beyond, the spin
    const auto deadline = Clock::now() + wait;
    EXPECT_FALSE(p.acquire(deadline));
    EXPECT_GE(Clock::now(), deadline);
  }
}

// Two threads hand a turn back and forth through two permits: every wake
// arrives whether the waiter was spinning, sleeping, or between the two.
// Each side's pause between turns varies, so both paths are taken.
TEST(FutexPermit, no_wake_is_lost_between_two_threads_spinning_or_sleeping) {
  FutexPermit ping, pong;
  constexpr int kTrips = 4000;
  std::atomic<int> failures{0};
  auto busy = [](int i) {
    if (i % 97 == 0) std::this_thread::sleep_for(microseconds(200));  // long enough that the partner sleeps
  };
  std::thread partner([&] {
    for (int i = 0; i < kTrips; ++i) {
      if (!ping.acquire(Clock::now() + patience())) ++failures;
      busy(i + 13);
      pong.release();
    }
  });
  for (int i = 0; i < kTrips; ++i) {
    busy(i);
    ping.release();
    ASSERT_TRUE(pong.acquire(Clock::now() + patience())) << "round trip " << i << " lost its wake";
  }
  partner.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(FutexPermit, a_sleeper_with_no_spin_left_is_woken_by_a_release) {
  FutexPermit p;
  // Spins that miss zero its budget (or it never spins: one CPU, or a
  // loaded machine); then it sleeps at once, but for a probe now and then.
  for (int i = 0; i < 64 && p.spin_budget().count() > 0; ++i) EXPECT_FALSE(p.acquire(Clock::now() + SpinBudget::kMax * 2));
  std::atomic<bool> taken{false};
  std::thread waiter([&] { taken = p.acquire(Clock::now() + patience()); });
  const auto give_up = Clock::now() + patience();
  while (!p.sleeping() && Clock::now() < give_up) std::this_thread::yield();
  EXPECT_TRUE(p.sleeping()) << "the waiter never went to sleep in the kernel";
  p.release();
  waiter.join();
  EXPECT_TRUE(taken.load());
}

}  // namespace
}  // namespace actorspec::thread_backend

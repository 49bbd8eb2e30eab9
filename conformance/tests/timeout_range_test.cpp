// RCV-12 over the whole range of every chrono type: a negative duration
// (however large, down to min() and -infinity) and NaN throw InvalidTimeout
// before any message is taken; one beyond what the clock can count (up to
// max() and +infinity) is no timeout at all (RCV-8); zero and tiny ones poll.
// No value may overflow on the way (the asan preset runs UBSan over this).
#include <chrono>
#include <cstdint>
#include <limits>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class TimeoutRange : public RuntimeTest {};

struct M {};
struct Go {};

template <class D>
void expect_invalid(Process& self, D d, const char* what) {
  // A matching message is waiting, and must stay: the throw comes first.
  self.send(self.self(), M{});
  bool ran = false;
  EXPECT_THROW(self.receive(on<M>([&] { ran = true; }), after(d, [&] { ran = true; })), InvalidTimeout) << what;
  EXPECT_FALSE(ran) << what;
  EXPECT_EQ(self.mailbox_size(), 1u) << what;
  drain(self);
}

template <class D>
void expect_no_timeout(Process& self, D d, const char* what) {
  // A helper sends Go once it runs; the receive must wait for it, neither
  // throwing nor timing out (a wrapped-around value would do either).
  const Pid me = self.self();
  self.spawn([me](Process& h) { h.send(me, Go{}); });
  const bool got = self.receive(on<Go>([] { return true; }), after(d, [] { return false; }));
  EXPECT_TRUE(got) << what << " timed out";
}

template <class D>
void expect_poll(Process& self, D d, const char* what) {
  bool timed_out = false;
  self.receive(on<M>([] {}), after(d, [&] { timed_out = true; }));
  EXPECT_TRUE(timed_out) << what;
  self.send(self.self(), M{});
  bool took = false;
  self.receive(on<M>([&] { took = true; }), after(d, [] {}));
  EXPECT_TRUE(took) << what;
}

#define INVALID(d) expect_invalid(self, d, #d)
#define NO_TIMEOUT(d) expect_no_timeout(self, d, #d)
#define POLL(d) expect_poll(self, d, #d)

using fsec = std::chrono::duration<float>;
using dsec = std::chrono::duration<double>;
using ldsec = std::chrono::duration<long double>;
using dhours = std::chrono::duration<double, std::ratio<3600>>;
using u64ms = std::chrono::duration<std::uint64_t, std::milli>;
using i32s = std::chrono::duration<std::int32_t>;
using i8days = std::chrono::duration<std::int8_t, std::ratio<86400>>;

TEST_P(TimeoutRange, RCV_12_negative_durations_of_every_size_and_type_throw_invalid_timeout) {
  run([](Process& self) {
    INVALID(-1ns);
    INVALID(std::chrono::hours(-3'000'000));
    INVALID(std::chrono::seconds(-10'000'000'000));
    INVALID(std::chrono::nanoseconds::min());
    INVALID(std::chrono::microseconds::min());
    INVALID(std::chrono::milliseconds::min());
    INVALID(std::chrono::seconds::min());
    INVALID(std::chrono::minutes::min());
    INVALID(std::chrono::hours::min());
    INVALID(i32s::min());
    INVALID(i8days::min());
    INVALID(fsec(-1e-9f));
    INVALID(fsec::min());     // the lowest float duration (min() is lowest() for floating reps)
    INVALID(dsec(-std::numeric_limits<double>::infinity()));
    INVALID(dsec(std::numeric_limits<double>::lowest()));
    INVALID(ldsec(-1e4000L));
    INVALID(dhours(-1e300));
  });
}

TEST_P(TimeoutRange, RCV_12_a_nan_duration_throws_invalid_timeout) {
  run([](Process& self) {
    INVALID(dsec(std::numeric_limits<double>::quiet_NaN()));
    INVALID(fsec(std::numeric_limits<float>::quiet_NaN()));
    INVALID(ldsec(std::numeric_limits<long double>::quiet_NaN()));
    INVALID(dsec(-std::numeric_limits<double>::quiet_NaN()));
  });
}

TEST_P(TimeoutRange, RCV_8_durations_beyond_the_clock_are_no_timeout_for_every_type) {
  run([](Process& self) {
    NO_TIMEOUT(std::chrono::nanoseconds::max());
    NO_TIMEOUT(std::chrono::milliseconds::max());
    NO_TIMEOUT(std::chrono::seconds::max());
    NO_TIMEOUT(std::chrono::hours::max());
    NO_TIMEOUT(std::chrono::hours(3'000'000));
    NO_TIMEOUT(u64ms::max());
    NO_TIMEOUT(i8days::max());  // 127 days: a long but countable timeout
    NO_TIMEOUT(fsec::max());
    NO_TIMEOUT(dsec(std::numeric_limits<double>::infinity()));
    NO_TIMEOUT(dsec(1e300));
    NO_TIMEOUT(ldsec(1e4000L));
    NO_TIMEOUT(dhours(1e18));
  });
}

TEST_P(TimeoutRange, RCV_6_zero_and_sub_nanosecond_durations_poll) {
  run([](Process& self) {
    POLL(0ns);
    POLL(std::chrono::hours(0));
    POLL(dsec(0.0));
    POLL(dsec(-0.0));  // negative zero is zero
    POLL(dsec(1e-12));
    POLL(fsec(std::numeric_limits<float>::denorm_min()));
    POLL(u64ms(0));
  });
}

ACTORSPEC_CONFORMANCE_SUITE(TimeoutRange);

}  // namespace
}  // namespace actorspec::conformance

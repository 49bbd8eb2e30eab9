#pragma once
// The clauses of a selective receive:
//   on<T>(handler)            takes the oldest message of type T
//   on<T>(guard, handler)     ... for which guard(const T&) is true
//   on_any(handler)           takes the oldest message of any type
//   after(duration, handler)  runs when nothing matched in time (0 = poll)
// A handler takes the value (T, T&& or const T&) or nothing at all.

#include <chrono>
#include <type_traits>
#include <utility>

#include "actorspec/message.hpp"

namespace actorspec {

namespace detail {
struct NoGuard {
  template <class T>
  constexpr bool operator()(const T&) const { return true; }
};
}  // namespace detail

template <class T, class Guard, class Handler>
struct OnClause {
  using value_type = T;
  Guard guard;
  Handler handler;
  bool accepts(const Message& m) const {
    const T* v = m.peek<T>();
    return v != nullptr && guard(*v);
  }
};

template <class Handler>
struct AnyClause {
  Handler handler;
  bool accepts(const Message&) const { return true; }
};

template <class Handler>
struct AfterClause {
  std::chrono::nanoseconds timeout;
  bool infinite;  // longer than any clock can count: no timeout at all
  Handler handler;
};

template <class T, class Handler>
OnClause<T, detail::NoGuard, std::decay_t<Handler>> on(Handler&& h) {
  return {detail::NoGuard{}, std::forward<Handler>(h)};
}

template <class T, class Guard, class Handler>
OnClause<T, std::decay_t<Guard>, std::decay_t<Handler>> on(Guard&& g, Handler&& h) {
  return {std::forward<Guard>(g), std::forward<Handler>(h)};
}

template <class Handler>
AnyClause<std::decay_t<Handler>> on_any(Handler&& h) {
  return {std::forward<Handler>(h)};
}

namespace detail {
// Any chrono duration to the nanoseconds receive counts in, for every value
// (RCV-12): the range is judged in floating point first, so no conversion
// can overflow. Negative (down to min() and -inf) and NaN become -1 ns,
// which receive rejects with InvalidTimeout; beyond half the clock's range
// (up to max() and +inf) is no timeout at all (RCV-8); the rest is rounded
// up, so a timeout never fires early (RCV-10).
struct TimeoutValue {
  std::chrono::nanoseconds timeout;
  bool infinite;
};
template <class Rep, class Period>
TimeoutValue timeout_value(std::chrono::duration<Rep, Period> d) {
  using namespace std::chrono;
  const long double ns = duration<long double, std::nano>(d).count();
  if (!(ns >= 0)) return {nanoseconds(-1), false};  // negative or NaN
  if (ns > static_cast<long double>(nanoseconds::max().count() / 2)) return {nanoseconds::max(), true};
  return {ceil<nanoseconds>(d), false};
}
}  // namespace detail

// A negative duration is accepted here and rejected by receive (ERR rules),
// so the error is raised in the receiving process, as on the BEAM.
template <class Rep, class Period, class Handler>
AfterClause<std::decay_t<Handler>> after(std::chrono::duration<Rep, Period> d, Handler&& h) {
  const detail::TimeoutValue v = detail::timeout_value(d);
  return {v.timeout, v.infinite, std::forward<Handler>(h)};
}

// Calls a clause's handler with the value, or with nothing if it takes nothing.
template <class Handler, class T>
decltype(auto) invoke_handler(Handler& h, T&& value) {
  if constexpr (std::is_invocable_v<Handler&, T&&>) {
    return h(std::forward<T>(value));
  } else {
    return h();
  }
}

}  // namespace actorspec

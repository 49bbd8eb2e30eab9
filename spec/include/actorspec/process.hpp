#pragma once
// What a process body is handed: the process itself. Every call below that
// acts on "self" (receive, link, monitor, trap_exit, ...) may only be made by
// the process itself, from inside its body; anyone else gets NotInProcess.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "actorspec/errors.hpp"
#include "actorspec/exit_reason.hpp"
#include "actorspec/match.hpp"
#include "actorspec/message.hpp"
#include "actorspec/pid.hpp"
#include "actorspec/system_messages.hpp"

namespace actorspec {

class Process;
class Runtime;

// A process body. When it returns the process exits with reason `normal`.
using Body = std::function<void(Process&)>;

// Thrown by Process::exit(reason), Erlang's exit/1: it unwinds the body and,
// uncaught, ends the process with `reason`. Catchable, as exit/1 is (LNK-14).
struct ProcessExit {
  ExitReason reason;
};

enum class DemonitorOption { none, flush };

// A non-owning view of "which clause takes this message" (-1: none).
class MatchRef {
 public:
  template <class F>
  explicit MatchRef(F& f) : obj_(&f), call_([](void* o, const Message& m) { return (*static_cast<F*>(o))(m); }) {}
  int operator()(const Message& m) const { return call_(obj_, m); }

 private:
  void* obj_;
  int (*call_)(void*, const Message&);
};

// The message a receive took and the clause that took it.
struct Received {
  int clause;
  Message message;
};

class Process {
 public:
  virtual ~Process() = default;

  virtual Pid self() const = 0;
  virtual Runtime& runtime() = 0;

  // Send never blocks and never fails for a pid: to a dead one it is dropped.
  template <class T>
  void send(Pid to, T&& value) { send_message(to, Message::of(std::forward<T>(value))); }
  // Throws UnknownName when nobody holds `name`.
  template <class T>
  void send(std::string_view name, T&& value) { send_message(name, Message::of(std::forward<T>(value))); }
  virtual void send_message(Pid to, Message m) = 0;
  virtual void send_message(std::string_view name, Message m) = 0;

  // Selective receive: takes the oldest message that any on-clause accepts
  // (the first accepting clause handles it) and returns the handler's result;
  // with an after-clause, gives up when the timeout passes.
  template <class... Clauses>
  decltype(auto) receive(Clauses&&... clauses);

  // Shorthands: the oldest T (blocking), or the oldest T within `timeout`.
  template <class T>
  T receive() {
    return receive(on<T>([](T&& v) { return std::move(v); }));
  }
  template <class T, class Rep, class Period>
  std::optional<T> receive_for(std::chrono::duration<Rep, Period> timeout) {
    return receive(on<T>([](T&& v) { return std::optional<T>(std::move(v)); }),
                   after(timeout, [] { return std::optional<T>(); }));
  }

  // The primitive under receive: nullopt when the timeout passed.
  // timeout: nullopt = wait forever; zero = poll.
  virtual std::optional<Received> receive_matching(MatchRef match, std::optional<std::chrono::nanoseconds> timeout) = 0;

  virtual Pid spawn(Body body) = 0;
  // Spawns and links atomically: the child cannot end unlinked.
  virtual Pid spawn_link(Body body) = 0;
  // Spawns and monitors atomically.
  virtual std::pair<Pid, Ref> spawn_monitor(Body body) = 0;

  virtual void link(Pid other) = 0;
  virtual void unlink(Pid other) = 0;
  // The processes linked to this one, in no particular order.
  virtual std::vector<Pid> links() = 0;

  virtual Ref monitor(Pid target) = 0;
  // Resolves the name once, now; the Down carries the name.
  virtual Ref monitor(std::string_view name) = 0;
  // Returns true if a live monitor was removed (Erlang's [info]); with
  // `flush`, also removes a Down for `ref` already in the mailbox.
  virtual bool demonitor(Ref ref, DemonitorOption option = DemonitorOption::none) = 0;

  // Sets trap_exit and returns the previous value.
  virtual bool trap_exit(bool on) = 0;
  virtual bool trapping_exits() const = 0;

  // exit/1: throws ProcessExit{reason}.
  [[noreturn]] void exit(ExitReason reason) { throw ProcessExit{std::move(reason)}; }
  // exit/2: sends an exit signal to `target` (to self included).
  virtual void exit(Pid target, ExitReason reason) = 0;

  // False once an exit signal that ends `p` has been sent by this process
  // (or anyone else) and accepted, even if p has not finished unwinding.
  virtual bool is_alive(Pid p) = 0;

  virtual void register_name(std::string name, Pid p) = 0;
  virtual void unregister_name(std::string_view name) = 0;
  virtual std::optional<Pid> whereis(std::string_view name) = 0;
  virtual std::vector<std::string> registered() = 0;

  // Messages in this process's mailbox, skipped ones included.
  virtual std::size_t mailbox_size() = 0;
};

// ---- receive ----------------------------------------------------------------

namespace detail {

template <class C>
struct is_after : std::false_type {};
template <class H>
struct is_after<AfterClause<H>> : std::true_type {};

template <class C, class = void>
struct clause_result {
  using type = void;
};
template <class T, class G, class H>
struct clause_result<OnClause<T, G, H>> {
  using type = decltype(invoke_handler(std::declval<H&>(), std::declval<T&&>()));
};
template <class H>
struct clause_result<AnyClause<H>> {
  using type = decltype(invoke_handler(std::declval<H&>(), std::declval<Message&&>()));
};
template <class H>
struct clause_result<AfterClause<H>> {
  using type = decltype(std::declval<H&>()());
};

template <class... Cs>
using receive_result_t = std::common_type_t<typename clause_result<std::decay_t<Cs>>::type...>;

template <class R, class C>
R run_clause(C& clause, Message&& m) {
  if constexpr (is_after<C>::value) {
    return static_cast<R>(clause.handler());  // never reached: after is not a match clause
  } else if constexpr (std::is_same_v<C, AnyClause<decltype(clause.handler)>>) {
    return static_cast<R>(invoke_handler(clause.handler, std::move(m)));
  } else {
    using T = typename C::value_type;
    return static_cast<R>(invoke_handler(clause.handler, std::move(m).template take<T>()));
  }
}

}  // namespace detail

template <class... Clauses>
decltype(auto) Process::receive(Clauses&&... clauses) {
  using R = detail::receive_result_t<Clauses...>;
  static_assert(sizeof...(Clauses) > 0, "receive needs at least one clause");
  static_assert(((detail::is_after<std::decay_t<Clauses>>::value ? 1 : 0) + ... + 0) <= 1,
                "receive takes at most one after-clause");

  auto tuple = std::forward_as_tuple(clauses...);
  constexpr std::size_t n = sizeof...(Clauses);

  std::optional<std::chrono::nanoseconds> timeout;
  bool has_after = false;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          auto& c = std::get<I>(tuple);
          if constexpr (detail::is_after<std::decay_t<decltype(c)>>::value) {
            has_after = true;
            if (!c.infinite) timeout = c.timeout;
          }
        }(),
        ...);
  }(std::make_index_sequence<n>{});
  if (timeout && timeout->count() < 0) throw InvalidTimeout();

  auto match = [&](const Message& m) -> int {
    int found = -1;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            auto& c = std::get<I>(tuple);
            if constexpr (!detail::is_after<std::decay_t<decltype(c)>>::value) {
              if (found < 0 && c.accepts(m)) found = static_cast<int>(I);
            }
          }(),
          ...);
    }(std::make_index_sequence<n>{});
    return found;
  };

  std::optional<Received> got = receive_matching(MatchRef(match), has_after ? timeout : std::nullopt);

  if constexpr (std::is_void_v<R>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            auto& c = std::get<I>(tuple);
            using C = std::decay_t<decltype(c)>;
            if constexpr (detail::is_after<C>::value) {
              if (!got) c.handler();
            } else {
              if (got && got->clause == static_cast<int>(I)) detail::run_clause<void>(c, std::move(got->message));
            }
          }(),
          ...);
    }(std::make_index_sequence<n>{});
  } else {
    std::optional<R> result;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            auto& c = std::get<I>(tuple);
            using C = std::decay_t<decltype(c)>;
            if constexpr (detail::is_after<C>::value) {
              if (!got) result.emplace(c.handler());
            } else {
              if (got && got->clause == static_cast<int>(I))
                result.emplace(detail::run_clause<R>(c, std::move(got->message)));
            }
          }(),
          ...);
    }(std::make_index_sequence<n>{});
    return R(std::move(*result));
  }
}

}  // namespace actorspec

#include "program.hpp"

#include <random>

#include "model.hpp"

namespace actorspec::differential {

ExitReason make_reason(Reason r) {
  switch (r) {
    case Reason::normal: return ExitReason::normal();
    case Reason::kill: return ExitReason::kill();
    case Reason::killed: return ExitReason::killed();
    case Reason::noproc: return ExitReason::noproc();
    case Reason::shutdown: return ExitReason::shutdown();
    case Reason::shutdown_detail: return ExitReason::shutdown("detail");
    case Reason::user: return ExitReason::user("boom");
    case Reason::exception: return ExitReason::exception("fuzz::Fault", "bad");
  }
  return ExitReason::normal();
}

std::string to_string(Reason r) { return make_reason(r).to_string(); }

namespace {

const char* op_name(Op op) {
  switch (op) {
    case Op::boot: return "boot";
    case Op::spawn: return "spawn";
    case Op::spawn_link: return "spawn_link";
    case Op::spawn_monitor: return "spawn_monitor";
    case Op::send: return "send";
    case Op::send_name: return "send_name";
    case Op::link: return "link";
    case Op::unlink: return "unlink";
    case Op::links: return "links";
    case Op::monitor: return "monitor";
    case Op::monitor_name: return "monitor_name";
    case Op::demonitor: return "demonitor";
    case Op::trap_exit: return "trap_exit";
    case Op::exit1: return "exit";
    case Op::raise: return "raise";
    case Op::exit2: return "exit2";
    case Op::is_alive: return "is_alive";
    case Op::register_name: return "register_name";
    case Op::unregister_name: return "unregister_name";
    case Op::whereis: return "whereis";
    case Op::mailbox_size: return "mailbox_size";
    case Op::receive: return "receive";
  }
  return "?";
}

std::string proc(int i) { return i < 0 ? "Pid{}" : "P" + std::to_string(i); }

std::string pattern(const ReceiveSpec& r) {
  std::string out = "{";
  switch (r.pattern.msg) {
    case Pattern::MsgClause::none: break;
    case Pattern::MsgClause::all: out += "Msg "; break;
    case Pattern::MsgClause::from: out += "Msg(from " + proc(r.pattern.msg_from) + ") "; break;
    case Pattern::MsgClause::even_seq: out += "Msg(even #) "; break;
  }
  if (r.pattern.exit) out += "Exit ";
  if (r.pattern.down) out += "Down ";
  if (r.pattern.any) out += "any ";
  switch (r.timeout_ms) {
    case ReceiveSpec::kBlocking: out += "no-after"; break;
    case ReceiveSpec::kNegative: out += "after(-1ms)"; break;
    default: out += "after(" + std::to_string(r.timeout_ms) + "ms)"; break;
  }
  return out + "}";
}

}  // namespace

std::string to_string(const Step& s) {
  std::string out = (s.op == Op::boot ? std::string("controller") : proc(s.actor)) + " " + op_name(s.op);
  switch (s.op) {
    case Op::send: case Op::link: case Op::unlink: case Op::monitor: case Op::is_alive:
      out += " " + proc(s.target);
      break;
    case Op::send_name: case Op::monitor_name: case Op::unregister_name: case Op::whereis:
      out += " '" + s.name + "'";
      break;
    case Op::register_name: out += " '" + s.name + "' " + proc(s.target); break;
    case Op::demonitor: out += " r" + std::to_string(s.ref) + (s.flag ? " flush" : ""); break;
    case Op::trap_exit: out += s.flag ? " true" : " false"; break;
    case Op::exit1: out += " " + to_string(s.reason); break;
    case Op::exit2:
      out += " " + proc(s.target) + " " + to_string(s.reason);
      if (s.then) out += std::string(" then ") + op_name(*s.then) + (*s.then == Op::register_name ? " '" + s.name + "'" : "");
      break;
    case Op::receive:
      out += " " + pattern(s.receive);
      if (s.inner) out += " nested " + pattern(*s.inner);
      break;
    default: break;
  }
  if (s.uncaught) out += " (uncaught)";
  return out;
}

std::string to_string(const Program& p) {
  std::string out;
  for (std::size_t i = 0; i < p.size(); ++i) out += "  #" + std::to_string(i) + " " + to_string(p[i]) + "\n";
  return out;
}

namespace {

struct Gen {
  std::mt19937_64 rng;
  int pick(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return pick(100) < percent; }

  std::string name() {
    static const char* names[] = {"a", "b", "a", "b", "c", ""};
    return names[pick(6)];
  }
  Reason reason() { return static_cast<Reason>(pick(8)); }
  ReceiveSpec receive(int processes, bool nested) {
    ReceiveSpec r;
    r.pattern.msg = static_cast<Pattern::MsgClause>(pick(4));
    r.pattern.msg_from = pick(processes);
    r.pattern.exit = chance(50);
    r.pattern.down = chance(50);
    r.pattern.any = chance(20);
    const int t = pick(100);
    if (nested)
      r.timeout_ms = t < 50 ? 0 : 1;
    else
      r.timeout_ms = t < 30 ? ReceiveSpec::kBlocking : t < 33 ? ReceiveSpec::kNegative : t < 70 ? 0 : 1;
    return r;
  }
};

}  // namespace

// Steps are drawn against the model, so that most apply: the actor is a
// live process, targets are processes that exist (dead ones included) or
// Pid{}. Shrinking later drops steps freely; the model then skips the ones
// that no longer apply, in the model and in the controller alike.
Program generate(std::uint64_t seed, const GeneratorOptions& options) {
  Gen g{std::mt19937_64(seed)};
  Model model(options.max_puppets);
  Program program;
  Step first;
  first.op = Op::boot;
  first.actor = -1;
  program.push_back(first);
  model.apply(0, first, std::nullopt);
  // A step that does not apply is drawn again, a bounded number of times:
  // once every process has ended and no room is left, nothing applies.
  for (int attempts = 0; static_cast<int>(program.size()) < options.steps && attempts < 50 * options.steps;
       ++attempts) {
    const auto live = model.live();
    if (live.empty() && model.processes() >= options.max_puppets) break;
    Step s;
    const int n = model.processes();
    if (live.size() < 2 && g.chance(live.empty() ? 100 : 50)) {
      s.op = Op::boot;
      s.actor = -1;
    } else {
      s.actor = live[static_cast<std::size_t>(g.pick(static_cast<int>(live.size())))];
      s.target = g.chance(5) ? -1 : g.pick(n);
      s.name = g.name();
      s.reason = g.reason();
      s.ref = g.pick(4) - (g.chance(10) ? 1 : 0);
      s.flag = g.chance(50);
      s.uncaught = g.chance(15);
      const int w = g.pick(100);
      if (w < 9) s.op = Op::spawn;
      else if (w < 16) s.op = Op::spawn_link;
      else if (w < 21) s.op = Op::spawn_monitor;
      else if (w < 35) s.op = Op::send;
      else if (w < 39) s.op = Op::send_name;
      else if (w < 44) s.op = Op::link;
      else if (w < 46) s.op = Op::unlink;
      else if (w < 48) s.op = Op::links;
      else if (w < 52) s.op = Op::monitor;
      else if (w < 54) s.op = Op::monitor_name;
      else if (w < 57) s.op = Op::demonitor;
      else if (w < 62) s.op = Op::trap_exit;
      else if (w < 64) s.op = g.chance(50) ? Op::exit1 : Op::raise;
      else if (w < 71) s.op = Op::exit2;
      else if (w < 73) s.op = Op::is_alive;
      else if (w < 77) s.op = Op::register_name;
      else if (w < 79) s.op = Op::unregister_name;
      else if (w < 81) s.op = Op::whereis;
      else if (w < 83) s.op = Op::mailbox_size;
      else s.op = Op::receive;
      if (s.op == Op::exit2 && g.chance(40)) {
        static const Op follow[] = {Op::monitor, Op::link, Op::is_alive, Op::register_name};
        s.then = follow[g.pick(4)];
        // Uncaught, NameTaken and NotAlive (both allowed: REG-6) would end
        // the actor with different reasons.
        if (s.then == Op::register_name) s.uncaught = false;
      }
      if (s.op == Op::receive) {
        s.receive = g.receive(n, false);
        if (g.chance(15) && s.receive.timeout_ms != ReceiveSpec::kNegative) s.inner = g.receive(n, true);
      }
    }
    const auto p = model.apply(static_cast<int>(program.size()), s, std::nullopt);
    if (p.skip) continue;  // draw again: keep generated programs dense
    program.push_back(s);
  }
  return program;
}

}  // namespace actorspec::differential

#include "puppet.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "render.hpp"

namespace actorspec::differential {

namespace {

struct Never {};

std::string demangle(const std::type_info& t) {
  int status = 0;
  char* name = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : t.name();
  std::free(name);
  return out;
}

class Puppet {
 public:
  Puppet(Process& self, int index) : self_(self), index_(index) {}

  void run() {
    for (;;) {
      Command c = self_.receive<Command>();
      pids_ = c.pids;
      Reply r{c.index, c.kind, {}, Pid{}};
      switch (c.kind) {
        case Command::Kind::step: r.text = step(c, r.spawned); break;
        case Command::Kind::sync: r.text = sync(c); break;
        case Command::Kind::drain: r.text = drain(); break;
      }
      self_.send(c.reply_to, std::move(r));
    }
  }

 private:
  int proc(Pid p) const {
    if (!p) return -1;
    const auto it = std::find(pids_->begin(), pids_->end(), p);
    return it == pids_->end() ? 1000 : static_cast<int>(it - pids_->begin());  // 1000: a pid nobody knows
  }
  Pid pid(int i) const { return i >= 0 && i < static_cast<int>(pids_->size()) ? (*pids_)[i] : Pid{}; }
  int ref_index(Ref r) const {
    const auto it = std::find(refs_.begin(), refs_.end(), r);
    return it == refs_.end() ? -1 : static_cast<int>(it - refs_.begin());
  }
  std::string render(const Message& m) const {
    if (const Msg* v = m.peek<Msg>()) return render_msg(v->from, v->seq);
    if (const Exit* v = m.peek<Exit>()) return render_exit(proc(v->from), v->reason);
    if (const Down* v = m.peek<Down>()) return render_down(ref_index(v->ref), proc(v->pid), v->name, v->reason);
    return "other:" + demangle(m.type());
  }

  std::string step(const Command& c, Pid& spawned) { return guarded(c, c.step, spawned); }

  std::string guarded(const Command& c, const Step& s, Pid& spawned) {
    try {
      return op(c, s, spawned);
    } catch (const Error& e) {
      if (s.uncaught) throw;
      return "error:" + demangle(typeid(e));
    }
  }

  std::string op(const Command& c, const Step& s, Pid& spawned) {
    const int child = c.child;
    auto body = [child](Process& p) { puppet(p, child); };
    switch (s.op) {
      case Op::boot: return "?";
      case Op::spawn:
        spawned = self_.spawn(body);
        return render_proc(child);
      case Op::spawn_link:
        spawned = self_.spawn_link(body);
        return render_proc(child);
      case Op::spawn_monitor: {
        auto [p, ref] = self_.spawn_monitor(body);
        spawned = p;
        refs_.push_back(ref);
        return render_proc(child) + ",r" + std::to_string(refs_.size() - 1);
      }
      case Op::send:
        self_.send(pid(s.target), Msg{index_, c.index});
        return "ok";
      case Op::send_name:
        self_.send(std::string_view(s.name), Msg{index_, c.index});
        return "ok";
      case Op::link:
        self_.link(pid(s.target));
        return "ok";
      case Op::unlink:
        self_.unlink(pid(s.target));
        return "ok";
      case Op::links: {
        std::vector<int> ls;
        for (Pid p : self_.links()) ls.push_back(proc(p));
        std::sort(ls.begin(), ls.end());
        std::string r = "[";
        for (int l : ls) r += (r.size() > 1 ? "," : "") + render_proc(l);
        return r + "]";
      }
      case Op::monitor:
        refs_.push_back(self_.monitor(pid(s.target)));
        return "r" + std::to_string(refs_.size() - 1);
      case Op::monitor_name:
        refs_.push_back(self_.monitor(std::string_view(s.name)));
        return "r" + std::to_string(refs_.size() - 1);
      case Op::demonitor: {
        const Ref r = s.ref >= 0 && s.ref < static_cast<int>(refs_.size()) ? refs_[s.ref] : Ref{};
        return self_.demonitor(r, s.flag ? DemonitorOption::flush : DemonitorOption::none) ? "true" : "false";
      }
      case Op::trap_exit: return self_.trap_exit(s.flag) ? "was:true" : "was:false";
      case Op::exit1: self_.exit(make_reason(s.reason));
      case Op::raise: throw std::runtime_error("boom");
      case Op::exit2: {
        self_.exit(pid(s.target), make_reason(s.reason));
        if (!s.then) return "ok";
        Step follow = s;
        follow.op = *s.then;
        follow.then.reset();
        return "ok;" + guarded(c, follow, spawned);
      }
      case Op::is_alive: return self_.is_alive(pid(s.target)) ? "true" : "false";
      case Op::register_name:
        self_.register_name(s.name, pid(s.target));
        return "ok";
      case Op::unregister_name:
        self_.unregister_name(s.name);
        return "ok";
      case Op::whereis: {
        const auto p = self_.whereis(s.name);
        return p ? render_proc(proc(*p)) : "none";
      }
      case Op::mailbox_size: return std::to_string(self_.mailbox_size());
      case Op::receive: return receive(s.receive, s.inner);
    }
    return "?";
  }

  std::string receive(const ReceiveSpec& spec, const std::optional<ReceiveSpec>& inner) {
    const Pattern& pat = spec.pattern;
    auto handled = [&](int clause, std::string text) {
      std::string out = "c" + std::to_string(clause) + ":" + text;
      if (inner) out += " / " + receive(*inner, std::nullopt);  // a receive inside a handler
      return out;
    };
    auto msg = on<Msg>(
        [&pat](const Msg& m) {
          switch (pat.msg) {
            case Pattern::MsgClause::none: return false;
            case Pattern::MsgClause::all: return true;
            case Pattern::MsgClause::from: return m.from == pat.msg_from;
            case Pattern::MsgClause::even_seq: return m.seq % 2 == 0;
          }
          return false;
        },
        [&](Msg m) { return handled(0, render_msg(m.from, m.seq)); });
    auto exit = on<Exit>([&pat](const Exit&) { return pat.exit; },
                         [&](Exit e) { return handled(1, render_exit(proc(e.from), e.reason)); });
    auto down = on<Down>([&pat](const Down&) { return pat.down; }, [&](Down d) {
      return handled(2, render_down(ref_index(d.ref), proc(d.pid), d.name, d.reason));
    });
    auto any = on_any([&](Message m) { return handled(3, render(m)); });
    if (spec.timeout_ms == ReceiveSpec::kBlocking)
      return pat.any ? self_.receive(msg, exit, down, any) : self_.receive(msg, exit, down);
    auto timeout = after(std::chrono::milliseconds(spec.timeout_ms), [] { return std::string("timeout"); });
    return pat.any ? self_.receive(msg, exit, down, any, timeout) : self_.receive(msg, exit, down, timeout);
  }

  // Waits until the messages the model expects are all here (they may
  // still be on their way), then says how many there are.
  std::string sync(const Command& c) {
    const auto deadline = std::chrono::steady_clock::now() + c.patience;
    while (self_.mailbox_size() < c.expect && std::chrono::steady_clock::now() < deadline)
      self_.receive(on<Never>([] {}), after(std::chrono::milliseconds(1), [] {}));
    return "size=" + std::to_string(self_.mailbox_size());
  }

  // Everything left, rendered and sorted (the model knows the contents,
  // not always the order).
  std::string drain() {
    std::vector<std::string> left;
    while (auto m = self_.receive(on_any([](Message m) { return std::optional<Message>(std::move(m)); }),
                                  after(std::chrono::milliseconds(0), [] { return std::optional<Message>(); })))
      left.push_back(render(*m));
    std::sort(left.begin(), left.end());
    std::string out = "[";
    for (auto& l : left) out += (out.size() > 1 ? " " : "") + l;
    return out + "]";
  }

  Process& self_;
  int index_;
  std::shared_ptr<const std::vector<Pid>> pids_ = std::make_shared<std::vector<Pid>>();
  std::vector<Ref> refs_;
};

}  // namespace

void puppet(Process& self, int index) { Puppet(self, index).run(); }

}  // namespace actorspec::differential

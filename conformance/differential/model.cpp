#include "model.hpp"

#include <algorithm>

#include "render.hpp"

namespace actorspec::differential {

std::vector<int> Model::live() const {
  std::vector<int> out;
  for (int p = 0; p < processes(); ++p)
    if (procs_[p].alive) out.push_back(p);
  return out;
}

int Model::new_process() {
  procs_.emplace_back();
  return processes() - 1;
}

// Puts an entry in `to`'s mailbox, if `to` lives (ERR-4: else dropped).
void Model::queue(int to, int sender, bool notice, Entry e) {
  if (!alive(to)) return;
  e.id = next_entry_++;
  e.step = step_;
  e.sender = sender;
  e.order = sender_order_[sender]++;
  e.notice = notice;
  procs_[to].mailbox.push_back(std::move(e));
  touched_.insert(to);
}

// `p` ends with `reason` (SPN-6, REG-6, LNK-6..8, MON-1, MON-4).
void Model::end(int p, const ExitReason& reason) {
  if (!alive(p)) return;
  Proc& proc = procs_[p];
  proc.alive = false;
  proc.mailbox.clear();                  // SPN-6
  if (!proc.name.empty()) {  // REG-6
    names_.erase(proc.name);
    limbo_.insert(proc.name);
    proc.name.clear();
  }
  ended_[p] = reason;
  // MON-4: its own monitors go with it.
  std::erase_if(monitors_, [p](const Monitor& m) { return m.owner == p; });
  // MON-1: a Down per monitor on it; ORD-8: Exit and Down of one death in any order.
  std::vector<Monitor> fired;
  for (const Monitor& m : monitors_)
    if (m.target == p) fired.push_back(m);
  std::erase_if(monitors_, [p](const Monitor& m) { return m.target == p; });
  const std::set<int> partners = std::exchange(proc.links, {});
  for (int l : partners) procs_[l].links.erase(p);
  for (const Monitor& m : fired) {
    Entry e{};
    e.kind = Entry::Kind::down;
    e.ref = m.ref;
    e.text = render_down(m.ref, p, m.name, reason);
    queue(m.owner, p, true, e);
  }
  for (int l : partners) link_signal(p, l, reason);
}

// An exit signal through a link from an ending process (LNK-6, LNK-7, LNK-8).
void Model::link_signal(int from, int to, const ExitReason& reason) {
  if (!alive(to)) return;
  if (procs_[to].trap) {
    Entry e{};
    e.kind = Entry::Kind::exit;
    e.from = from;
    e.text = render_exit(from, reason);
    queue(to, from, true, e);
  } else if (!reason.is_normal()) {
    end(to, reason);  // LNK-5: `killed` travels as is; LNK-9: so does `kill`
  }
}

// exit(to, reason) sent by `from` (LNK-5, LNK-10, LNK-11, LNK-12, LNK-19).
void Model::exit_signal(int from, int to, const ExitReason& reason) {
  if (!alive(to)) return;  // LNK-19
  if (reason.kind() == ExitReason::Kind::kill) return end(to, ExitReason::killed());  // LNK-5
  if (procs_[to].trap) {
    Entry e{};
    e.kind = Entry::Kind::exit;
    e.from = from;
    e.text = render_exit(from, reason);
    queue(to, from, false, e);
    return;
  }
  if (reason.is_normal() && from != to) return;  // LNK-12
  end(to, reason);
}

// An actorspec error raised by the actor's call: reported, or (uncaught) it
// ends the actor with its type (ERR-2). Caught, it changed nothing (ERR-3).
std::string Model::error(int actor, const Step& s, const std::string& type) {
  if (s.uncaught) end(actor, ExitReason::exception(type, ""));
  return "error:" + type;
}

// Which clause takes `e` (RCV-1, RCV-3, RCV-4): the first that accepts it.
int Model::clause(const Pattern& pat, const Entry& e) const {
  switch (e.kind) {
    case Entry::Kind::msg: {
      bool ok = false;
      switch (pat.msg) {
        case Pattern::MsgClause::none: ok = false; break;
        case Pattern::MsgClause::all: ok = true; break;
        case Pattern::MsgClause::from: ok = e.from == pat.msg_from; break;
        case Pattern::MsgClause::even_seq: ok = e.seq % 2 == 0; break;
      }
      if (ok) return 0;
      break;
    }
    case Entry::Kind::exit:
      if (pat.exit) return 1;
      break;
    case Entry::Kind::down:
      if (pat.down) return 2;
      break;
  }
  return pat.any ? 3 : -1;
}

// a is queued before b for sure: an earlier step (the controller waited
// for every step's messages), or the same sender in one step (ORD-1, ORD-7;
// ORD-5/6: its messages before the notices of its end), or learned from an
// earlier receive. Notices of one death are not ordered (ORD-8, MON-3).
bool Model::precedes(const Entry& a, const Entry& b) const {
  if (a.step != b.step) return a.step < b.step;
  if (a.sender == b.sender && a.order < b.order && !(a.notice && b.notice)) return true;
  return learned_.count({a.id, b.id}) != 0;
}

// The entries of p's mailbox a receive with `pat` may take: accepted, and
// no other accepted entry surely queued before it (RCV-2, RCV-3).
std::vector<std::size_t> Model::takeable(int p, const Pattern& pat) const {
  const auto& box = procs_[p].mailbox;
  const std::size_t n = box.size();
  // Transitive closure of `precedes` over the mailbox.
  std::vector<std::vector<char>> before(n, std::vector<char>(n, 0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) before[i][j] = i != j && precedes(box[i], box[j]);
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < n; ++i)
      if (before[i][k])
        for (std::size_t j = 0; j < n; ++j)
          if (before[k][j]) before[i][j] = 1;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (clause(pat, box[i]) < 0) continue;
    bool oldest = true;
    for (std::size_t j = 0; j < n && oldest; ++j)
      if (j != i && clause(pat, box[j]) >= 0 && before[j][i]) oldest = false;
    if (oldest) out.push_back(i);
  }
  return out;
}

// Takes entry i. Every other accepted entry was queued after it, and so
// after everything queued before it: remember that for later receives.
void Model::take(int p, const Pattern& pat, std::size_t i) {
  auto& box = procs_[p].mailbox;
  const Entry taken = box[i];
  std::vector<int> earlier;
  for (std::size_t j = 0; j < box.size(); ++j)
    if (j != i && precedes(box[j], taken)) earlier.push_back(box[j].id);
  for (std::size_t j = 0; j < box.size(); ++j) {
    if (j == i || clause(pat, box[j]) < 0) continue;
    for (int e : earlier) learned_.insert({e, box[j].id});
  }
  box.erase(box.begin() + static_cast<std::ptrdiff_t>(i));
}

std::string Model::entry_text(const Entry& e, int c) const { return "c" + std::to_string(c) + ":" + e.text; }

std::vector<Model::Outcome> Model::receive_outcomes(int p, const ReceiveSpec& outer,
                                                    const std::optional<ReceiveSpec>& inner) const {
  std::vector<Outcome> out;
  const auto& box = procs_[p].mailbox;
  for (std::size_t i : takeable(p, outer.pattern)) {
    const std::string first = entry_text(box[i], clause(outer.pattern, box[i]));
    if (!inner) {
      out.push_back({first, box[i].id, -1});
      continue;
    }
    Model after_outer = *this;
    after_outer.take(p, outer.pattern, i);
    const auto& box2 = after_outer.procs_[p].mailbox;
    const auto nested = after_outer.takeable(p, inner->pattern);
    if (nested.empty()) out.push_back({first + " / timeout", box[i].id, -1});
    for (std::size_t j : nested)
      out.push_back({first + " / " + entry_text(box2[j], clause(inner->pattern, box2[j])), box[i].id, box2[j].id});
  }
  return out;
}

std::vector<std::string> Model::mailbox(int p) const {
  std::vector<std::string> out;
  for (const Entry& e : procs_[p].mailbox) out.push_back(e.text);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
bool exists_or_empty(int target, int processes) { return target >= -1 && target < processes; }
}  // namespace

Prediction Model::apply(int index, const Step& s, const std::optional<std::string>& observed) {
  Prediction out;
  // Applicability first: a step for a process that does not exist or has
  // ended, or that would wait forever, is skipped by model and controller.
  const bool needs_room = s.op == Op::boot || s.op == Op::spawn || s.op == Op::spawn_link || s.op == Op::spawn_monitor;
  if (needs_room && processes() >= max_) return out.skip = true, out;
  if (s.op != Op::boot && !alive(s.actor)) return out.skip = true, out;
  switch (s.op) {
    case Op::send: case Op::link: case Op::unlink: case Op::monitor:
    case Op::exit2: case Op::is_alive: case Op::register_name:
      if (!exists_or_empty(s.target, processes())) return out.skip = true, out;
      break;
    default: break;
  }
  if (s.op == Op::exit2 && s.then && s.target >= 0 && s.target != s.actor) {
    // If the signal ends the actor through links, its own end is accepted
    // whenever the spreading signal reaches it: the follow-up call may run
    // or not (LNK-17 bounds it only by the next call after acceptance).
    // Such a step has no single outcome, so it is skipped.
    Model probe = *this;
    probe.exit_signal(s.actor, s.target, make_reason(s.reason));
    if (!probe.alive(s.actor)) return out.skip = true, out;
  }
  switch (s.op) {
    case Op::receive:
      if (s.receive.timeout_ms == ReceiveSpec::kBlocking && takeable(s.actor, s.receive.pattern).empty())
        return out.skip = true, out;  // RCV-8: it would wait forever
      break;
    default: break;
  }

  step_ = index;
  sender_order_.clear();
  ended_.clear();
  touched_.clear();
  limbo_.clear();
  alt_.clear();
  const std::string expected = run_op(index, s, observed, out);
  if (out.expected_reply.empty()) out.expected_reply = expected;
  for (const auto& a : alt_) out.expected_reply += " | " + a;
  if (observed && *observed != expected && std::find(alt_.begin(), alt_.end(), *observed) == alt_.end())
    out.reply_ok = false;
  out.ended = ended_;
  out.actor_ends = s.op != Op::boot && ended_.count(s.actor) != 0;
  for (int p : touched_)
    if (alive(p)) out.sync[p] = procs_[p].mailbox.size();
  return out;
}

std::string Model::run_op(int index, const Step& s, const std::optional<std::string>& observed, Prediction& out) {
  const int a = s.actor;
  switch (s.op) {
    case Op::boot:
      out.spawned = new_process();
      return render_proc(out.spawned);
    case Op::spawn:  // SPN-1
      out.spawned = new_process();
      return render_proc(out.spawned);
    case Op::spawn_link: {  // LNK-16
      out.spawned = new_process();
      procs_[a].links.insert(out.spawned);
      procs_[out.spawned].links.insert(a);
      return render_proc(out.spawned);
    }
    case Op::spawn_monitor: {  // MON-9
      out.spawned = new_process();
      const int ref = procs_[a].refs++;
      monitors_.push_back({a, ref, out.spawned, std::nullopt});
      return render_proc(out.spawned) + ",r" + std::to_string(ref);
    }
    case Op::send: {  // ORD-1, ERR-4
      Entry e{};
      e.kind = Entry::Kind::msg;
      e.from = a;
      e.seq = index;
      e.text = render_msg(a, index);
      queue(s.target, a, false, e);
      return "ok";
    }
    case Op::send_name: {  // REG-8, REG-9
      const auto it = names_.find(s.name);
      if (it == names_.end()) return error(a, s, "actorspec::UnknownName");
      Entry e{};
      e.kind = Entry::Kind::msg;
      e.from = a;
      e.seq = index;
      e.text = render_msg(a, index);
      queue(it->second, a, false, e);
      return "ok";
    }
    case Op::link: {  // LNK-1, LNK-2, LNK-3, ERR-6
      const int t = s.target;
      if (t == a) return "ok";
      if (alive(t)) {
        procs_[a].links.insert(t);
        procs_[t].links.insert(a);
        return "ok";
      }
      if (!procs_[a].trap) return error(a, s, "actorspec::NoProc");
      Entry e{};
      e.kind = Entry::Kind::exit;
      e.from = t;
      e.text = render_exit(t, ExitReason::noproc());
      queue(a, a, false, e);
      return "ok";
    }
    case Op::unlink:  // LNK-4
      if (s.target >= 0) {
        procs_[a].links.erase(s.target);
        procs_[s.target].links.erase(a);
      }
      return "ok";
    case Op::links: {
      std::string r = "[";
      for (int l : procs_[a].links) r += (r.size() > 1 ? "," : "") + render_proc(l);
      return r + "]";
    }
    case Op::monitor: {  // MON-1, MON-2, MON-7, ERR-7
      const int ref = procs_[a].refs++;
      const std::string r = "r" + std::to_string(ref);
      if (s.target == a) return r;
      if (alive(s.target)) {
        monitors_.push_back({a, ref, s.target, std::nullopt});
        return r;
      }
      Entry e{};
      e.kind = Entry::Kind::down;
      e.ref = ref;
      e.text = render_down(ref, s.target, std::nullopt, ExitReason::noproc());
      queue(a, a, false, e);
      return r;
    }
    case Op::monitor_name: {  // MON-8
      const int ref = procs_[a].refs++;
      const std::string r = "r" + std::to_string(ref);
      const auto it = names_.find(s.name);
      if (it != names_.end() && it->second != a) {
        monitors_.push_back({a, ref, it->second, s.name});
        return r;
      }
      if (it != names_.end()) return r;  // MON-7: by name, still yourself
      Entry e{};
      e.kind = Entry::Kind::down;
      e.ref = ref;
      e.text = render_down(ref, -1, s.name, ExitReason::noproc());
      queue(a, a, false, e);
      return r;
    }
    case Op::demonitor: {  // MON-5, MON-6, ERR-8
      const int ref = s.ref < procs_[a].refs ? s.ref : -1;
      bool removed = false;
      if (ref >= 0) {
        const auto before = monitors_.size();
        std::erase_if(monitors_, [&](const Monitor& m) { return m.owner == a && m.ref == ref; });
        removed = monitors_.size() != before;
        if (s.flag)
          std::erase_if(procs_[a].mailbox,
                        [&](const Entry& e) { return e.kind == Entry::Kind::down && e.ref == ref; });
      }
      return removed ? "true" : "false";
    }
    case Op::trap_exit: {  // LNK-13
      const bool was = std::exchange(procs_[a].trap, s.flag);
      return was ? "was:true" : "was:false";
    }
    case Op::exit1:  // LNK-14, LNK-15
      end(a, make_reason(s.reason));
      return "";
    case Op::raise:  // LNK-15
      end(a, ExitReason::exception("std::runtime_error", "boom"));
      return "";
    case Op::exit2: {
      if (s.target >= 0) exit_signal(a, s.target, make_reason(s.reason));
      if (!s.then || !alive(a)) return "ok";  // an actor the signal ended makes no further call
      Step follow = s;
      follow.op = *s.then;
      follow.then.reset();
      const std::string r = "ok;" + run_op(index, follow, std::nullopt, out);
      for (auto& a : alt_) a = "ok;" + a;
      return r;
    }
    case Op::is_alive:  // LNK-18, MON-10, ERR-5
      return alive(s.target) ? "true" : "false";
    case Op::register_name: {  // REG-2..5, REG-12
      // A name whose holder ended in this very step may not be freed yet
      // (REG-6 promises it free only once the end is observed): NameTaken
      // is allowed too. Its target has ended then, so neither outcome
      // changes any state.
      if (s.name.empty()) return error(a, s, "actorspec::InvalidName");
      if (limbo_.count(s.name) && !s.uncaught) alt_.push_back("error:actorspec::NameTaken");
      if (names_.count(s.name)) return error(a, s, "actorspec::NameTaken");
      if (!alive(s.target)) return error(a, s, "actorspec::NotAlive");
      if (!procs_[s.target].name.empty()) return error(a, s, "actorspec::AlreadyRegistered");
      names_[s.name] = s.target;
      procs_[s.target].name = s.name;
      return "ok";
    }
    case Op::unregister_name: {  // REG-10
      const auto it = names_.find(s.name);
      if (it == names_.end()) return error(a, s, "actorspec::UnknownName");
      procs_[it->second].name.clear();
      names_.erase(it);
      return "ok";
    }
    case Op::whereis: {  // REG-1, REG-11
      const auto it = names_.find(s.name);
      return it == names_.end() ? "none" : render_proc(it->second);
    }
    case Op::mailbox_size:
      return std::to_string(procs_[a].mailbox.size());
    case Op::receive: {
      if (s.receive.timeout_ms == ReceiveSpec::kNegative) return error(a, s, "actorspec::InvalidTimeout");  // RCV-12
      const auto outcomes = receive_outcomes(a, s.receive, s.inner);
      if (outcomes.empty()) return "timeout";  // RCV-6, RCV-7, RCV-10
      const Outcome* chosen = &outcomes.front();
      if (observed) {
        const auto it = std::find_if(outcomes.begin(), outcomes.end(), [&](const Outcome& o) { return o.text == *observed; });
        if (it == outcomes.end()) {
          out.reply_ok = false;
          for (const Outcome& o : outcomes) out.expected_reply += (out.expected_reply.empty() ? "" : " | ") + o.text;
        } else {
          chosen = &*it;
        }
      }
      if (out.expected_reply.empty())
        for (const Outcome& o : outcomes) out.expected_reply += (out.expected_reply.empty() ? "" : " | ") + o.text;
      const Outcome taken = *chosen;
      auto find = [&](int id) {
        const auto& box = procs_[a].mailbox;
        return static_cast<std::size_t>(
            std::find_if(box.begin(), box.end(), [id](const Entry& e) { return e.id == id; }) - box.begin());
      };
      take(a, s.receive.pattern, find(taken.outer));
      if (taken.inner >= 0) take(a, s.inner->pattern, find(taken.inner));
      return taken.text;
    }
  }
  return "?";
}

}  // namespace actorspec::differential

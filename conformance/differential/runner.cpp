#include "runner.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "actorspec/actorspec.hpp"
#include "model.hpp"
#include "puppet.hpp"
#include "render.hpp"

namespace actorspec::differential {

namespace {

class Controller {
 public:
  Controller(Process& self, const Program& program, const RunOptions& options, RunResult& result)
      : self_(self), program_(program), options_(options), result_(result), model_(options.max_puppets) {}

  void run() {
    for (int i = 0; i < static_cast<int>(program_.size()); ++i) {
      if (!step(i)) {
        result_.agree = false;
        result_.step = i;
        return;
      }
    }
    if (!final_check()) {
      result_.agree = false;
      result_.step = static_cast<int>(program_.size());
    }
  }

 private:
  bool fail(const std::string& what) {
    result_.disagreement = what;
    return false;
  }
  void trace(const std::string& line) {
    result_.trace += line + "\n";
    if (verbose()) std::fprintf(stderr, "%s\n", line.c_str());
  }
  // $ACTORSPEC_FUZZ_VERBOSE: print each step as it settles (to see where a run hangs).
  static bool verbose() {
    static const bool on = std::getenv("ACTORSPEC_FUZZ_VERBOSE") != nullptr;
    return on;
  }

  std::shared_ptr<const std::vector<Pid>> table() const { return std::make_shared<const std::vector<Pid>>(pids_); }

  void watch(int index, Pid p) {
    const Ref ref = self_.monitor(p);
    watched_[ref] = index;
  }

  // The next reply for `index` of `kind` from puppet `p`, or nullopt when p
  // ended first (its reason goes to `ended_`) or nothing came in time.
  std::optional<Reply> await_reply(int index, Command::Kind kind, int p, bool& timed_out) {
    timed_out = false;
    return self_.receive(
        on<Reply>([&](const Reply& r) { return r.index == index && r.kind == kind; },
                  [](Reply r) { return std::optional<Reply>(std::move(r)); }),
        on<Down>([&](const Down& d) { return watched_.count(d.ref) && watched_.at(d.ref) == p; },
                 [&](Down d) {
                   ended_[p] = d.reason;
                   watched_.erase(d.ref);
                   return std::optional<Reply>();
                 }),
        after(options_.patience, [&] {
          timed_out = true;
          return std::optional<Reply>();
        }));
  }

  bool step(int i) {
    const Step& s = program_[i];
    {
      Model probe = model_;
      if (probe.apply(i, s, std::nullopt).skip) {
        trace("#" + std::to_string(i) + " " + to_string(s) + "  (skipped)");
        return true;
      }
    }
    ++result_.steps_run;
    std::optional<std::string> observed;
    Pid spawned;
    const int child = model_.processes();
    if (s.op == Op::boot) {
      auto [pid, ref] = self_.spawn_monitor([child](Process& p) { puppet(p, child); });
      watched_[ref] = child;
      spawned = pid;
      observed = render_proc(child);
    } else {
      Command c;
      c.kind = Command::Kind::step;
      c.index = i;
      c.step = s;
      c.child = child;
      c.pids = table();
      c.reply_to = self_.self();
      self_.send(pids_[s.actor], std::move(c));
      bool timed_out = false;
      if (auto r = await_reply(i, Command::Kind::step, s.actor, timed_out)) {
        observed = r->text;
        spawned = r->spawned;
      } else if (timed_out) {
        return fail("P" + std::to_string(s.actor) + " neither replied nor ended");
      }
    }
    const Prediction p = model_.apply(i, s, observed);
    trace("#" + std::to_string(i) + " " + to_string(s) + "  -> " + (observed ? *observed : "(no reply: ended)"));
    if (!p.reply_ok)
      return fail("step #" + std::to_string(i) + " replied '" + observed.value_or("") + "'; the model allows '" +
                  p.expected_reply + "'");
    if (!observed && !p.actor_ends)
      return fail("P" + std::to_string(s.actor) + " ended with " + render_reason(ended_[s.actor]) +
                  "; the model expects it to live and reply '" + p.expected_reply + "'");
    if (p.spawned >= 0) {
      if (!spawned) return fail("the spawn gave no pid");
      pids_.push_back(spawned);
      if (s.op != Op::boot) watch(p.spawned, spawned);
    }
    // Every process the model says ended in this step: its Down, its reason.
    for (const auto& [proc, reason] : p.ended) {
      if (!ended_.count(proc)) {
        bool timed_out = false;
        const bool got = self_.receive(
            on<Down>([&](const Down& d) { return watched_.count(d.ref) && watched_.at(d.ref) == proc; },
                     [&](Down d) {
                       ended_[proc] = d.reason;
                       watched_.erase(d.ref);
                       return true;
                     }),
            after(options_.patience, [&] {
              timed_out = true;
              return false;
            }));
        if (!got) return fail(render_proc(proc) + " did not end; the model expects it to end with " + render_reason(reason));
      }
      trace("     " + render_proc(proc) + " ended: " + render_reason(ended_[proc]));
      if (render_reason(ended_[proc]) != render_reason(reason))
        return fail(render_proc(proc) + " ended with " + render_reason(ended_[proc]) + "; the model says " +
                    render_reason(reason));
      reported_.insert(proc);
    }
    if (!no_unexpected_end()) return false;
    // Let every mailbox that was sent something fill up before going on.
    for (const auto& [proc, size] : p.sync) {
      Command c;
      c.kind = Command::Kind::sync;
      c.index = i;
      c.expect = size;
      c.patience = options_.patience;
      c.pids = table();
      c.reply_to = self_.self();
      self_.send(pids_[proc], std::move(c));
      bool timed_out = false;
      const auto r = await_reply(i, Command::Kind::sync, proc, timed_out);
      if (!r) return fail(render_proc(proc) + " ended while the model expects it alive (syncing its mailbox)");
      if (r->text != "size=" + std::to_string(size))
        return fail(render_proc(proc) + " holds " + r->text + " messages after step #" + std::to_string(i) +
                    "; the model says " + std::to_string(size));
    }
    return true;
  }

  // A Down the model did not predict (a process ended that should live).
  bool no_unexpected_end() {
    const auto d = self_.receive(on<Down>([](Down d) { return std::optional<Down>(std::move(d)); }),
                                 after(std::chrono::milliseconds(0), [] { return std::optional<Down>(); }));
    if (!d) return true;
    const auto it = watched_.find(d->ref);
    const std::string who = it == watched_.end() ? "an unknown process" : render_proc(it->second);
    return fail(who + " ended with " + render_reason(d->reason) + "; the model expects it alive");
  }

  // What every live process has left in its mailbox.
  bool final_check() {
    const int last = static_cast<int>(program_.size());
    for (int p : model_.live()) {
      Command c;
      c.kind = Command::Kind::drain;
      c.index = last;
      c.pids = table();
      c.reply_to = self_.self();
      self_.send(pids_[p], std::move(c));
      bool timed_out = false;
      const auto r = await_reply(last, Command::Kind::drain, p, timed_out);
      if (!r) return fail(render_proc(p) + " ended before the end of the program; the model expects it alive");
      std::string expected = "[";
      for (const auto& m : model_.mailbox(p)) expected += (expected.size() > 1 ? " " : "") + m;
      expected += "]";
      trace("end: " + render_proc(p) + " mailbox " + r->text);
      if (r->text != expected)
        return fail(render_proc(p) + " ends the program holding " + r->text + "; the model says " + expected);
    }
    return no_unexpected_end();
  }

  Process& self_;
  const Program& program_;
  const RunOptions& options_;
  RunResult& result_;
  Model model_;
  std::vector<Pid> pids_;
  std::map<Ref, int> watched_;        // the controller's monitor of each puppet
  std::map<int, ExitReason> ended_;   // Downs received, by puppet
  std::set<int> reported_;
};

}  // namespace

RunResult run_program(const std::string& backend, const Program& program, const RunOptions& options) {
  RunResult result;
  auto rt = make_runtime(backend);
  const ExitReason r = rt->run([&](Process& self) { Controller(self, program, options, result).run(); });
  if (!r.is_normal() && result.agree) {
    result.agree = false;
    result.disagreement = "the controller ended with " + r.to_string();
  }
  rt->shutdown();  // ends puppets still waiting for a command
  if (rt->process_count() != 0 && result.agree) {
    result.agree = false;
    result.disagreement = "processes survived shutdown";
  }
  return result;
}

}  // namespace actorspec::differential

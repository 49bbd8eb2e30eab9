#pragma once
// The reference model: a sequential interpreter of programs, written from
// spec/SPEC.md alone (rule IDs in model.cpp). It knows nothing of threads,
// executors or the core.
//
// Where the spec leaves an outcome open the model keeps every allowed
// outcome: messages from different senders that reach one mailbox within a
// step (a crash spreading through links, say) may be queued in any
// interleaving that keeps each sender's own order (ORD-1, ORD-4), and the
// Exit and Downs of one death in any order among themselves (ORD-8, MON-1).
// A receive then has a set of allowed results; the controller hands the
// model the result it observed, the model checks it is allowed and carries
// on with that choice (and with what the choice implies about the order of
// what is left).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actorspec/exit_reason.hpp"
#include "program.hpp"

namespace actorspec::differential {

struct Prediction {
  bool skip = false;           // the step does not apply (dead actor, no such process, would block forever)
  bool reply_ok = true;        // the observed reply (if any) is an allowed one
  std::string expected_reply;  // allowed replies, for messages
  bool actor_ends = false;     // the actor ends in this step: its reply may or may not come
  int spawned = -1;            // index of the process the step started
  std::map<int, ExitReason> ended;  // processes that end in this step, with their reasons
  std::map<int, std::size_t> sync;  // live processes that got messages in this step: their mailbox size
};

class Model {
 public:
  explicit Model(int max_puppets) : max_(max_puppets) {}

  int processes() const { return static_cast<int>(procs_.size()); }
  bool alive(int p) const { return p >= 0 && p < processes() && procs_[p].alive; }
  std::vector<int> live() const;

  // Applies step number `index` of a program. `observed` is the actor's
  // reply as the backend gave it (nullopt: no reply, or the model runs
  // alone, and then it takes the first allowed outcome).
  Prediction apply(int index, const Step& step, const std::optional<std::string>& observed);

  // What is left in `p`'s mailbox, each message rendered, sorted.
  std::vector<std::string> mailbox(int p) const;

 private:
  struct Entry {
    enum class Kind { msg, exit, down };
    int id;
    int step;
    int sender;   // the process whose signal queued it (-1: none)
    int order;    // position among that sender's entries in this step
    bool notice;  // part of a death's notices (Exit or Down of the sender's end)
    Kind kind;
    int from = -1;  // msg: sender; exit: from
    int seq = 0;    // msg
    int ref = -1;   // down: the owner's ref index
    std::string text;
  };
  struct Proc {
    bool alive = true;
    bool trap = false;
    std::set<int> links;
    std::string name;  // empty: none
    std::vector<Entry> mailbox;
    int refs = 0;
  };
  struct Monitor {
    int owner, ref, target;
    std::optional<std::string> name;
  };
  struct Outcome {
    std::string text;
    int outer = -1, inner = -1;  // entry ids taken
  };

  int new_process();
  void queue(int to, int sender, bool notice, Entry e);
  void end(int p, const ExitReason& reason);
  void link_signal(int from, int to, const ExitReason& reason);
  void exit_signal(int from, int to, const ExitReason& reason);
  std::string error(int actor, const Step& s, const std::string& type);
  int clause(const Pattern& pat, const Entry& e) const;
  std::vector<std::size_t> takeable(int p, const Pattern& pat) const;
  void take(int p, const Pattern& pat, std::size_t i);
  std::vector<Outcome> receive_outcomes(int p, const ReceiveSpec& outer, const std::optional<ReceiveSpec>& inner) const;
  bool precedes(const Entry& a, const Entry& b) const;
  std::string entry_text(const Entry& e, int clause) const;
  std::string run_op(int index, const Step& s, const std::optional<std::string>& observed, Prediction& out);

  int max_;
  std::vector<Proc> procs_;
  std::vector<Monitor> monitors_;
  std::map<std::string, int> names_;
  std::set<std::pair<int, int>> learned_;  // (a, b): entry a was queued before entry b
  int next_entry_ = 0;
  int step_ = 0;
  std::map<int, int> sender_order_;
  std::map<int, ExitReason> ended_;
  std::set<int> touched_;
  std::set<std::string> limbo_;    // names of processes that ended in this step (REG-6: maybe not freed yet)
  std::vector<std::string> alt_;   // other allowed replies of this step
};

}  // namespace actorspec::differential

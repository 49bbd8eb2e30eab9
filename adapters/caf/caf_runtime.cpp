// actorspec over CAF 0.17 blocking actors. What maps directly onto CAF:
//   spawn / spawn_link / spawn_monitor   system.spawn, self->spawn<linked|monitored>
//   send                                 self->send / caf::anon_send
//   selective receive                    self->receive: a handler that returns
//                                        caf::skip leaves the message queued;
//                                        `after` is caf::after
//   links, monitors                      link_to / unlink_from, monitor / demonitor
//   exit signals and reasons             exit_msg / down_msg, send_exit, caf::error
//   the registry                         system.registry() (atom names)
// What CAF has no word for, the adapter adds, and README.md lists: trap_exit
// (a blocking actor gets every exit_msg as a plain message; receive applies
// Erlang's rule when it meets one), monitor references, links(), and pids
// that name no CAF actor. It never hides a CAF behaviour the suite can see.

#include "caf_runtime.hpp"

#include <cxxabi.h>
#include <sys/resource.h>

#include <caf/all.hpp>
#include <caf/logger.hpp>
#include <caf/thread_hook.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <future>
#include <mutex>
#include <system_error>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>

#include "actorspec/actorspec.hpp"
#include "exit_reasons.hpp"

namespace actorspec_caf {

// A user message travels through CAF as one element. CAF 0.17 message
// contents are copy-on-write, and an actorspec Message is move-only, so the
// envelope shares it. Local only: it is never serialized.
struct Envelope {
  std::shared_ptr<actorspec::Message> message;
};

}  // namespace actorspec_caf

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorspec_caf::Envelope)

namespace actorspec_caf {
namespace {

using namespace actorspec;
using Clock = std::chrono::steady_clock;

class CafRuntime;
class CafProcess;

// The process running on this thread: a blocking actor owns its thread.
thread_local CafProcess* current_process = nullptr;

// Pids and refs are unique across every runtime of the program (SPEC
// RT-15): CAF numbers actors per actor_system, so each runtime's first
// process would be the same pid. The adapter issues its own and keeps the
// mapping both ways.
std::atomic<std::uint64_t> next_pid{1};
std::atomic<std::uint64_t> next_ref{1};

Envelope wrap(Message m) { return Envelope{std::make_shared<Message>(std::move(m))}; }

std::string demangle(const std::type_info& t) {
  int status = 0;
  char* name = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : t.name();
  std::free(name);
  return out;
}

// An exit *signal* `kill` is CAF's exit_reason::kill; a process that *ended*
// with reason kill (exit(kill) on itself) sends its links the actorspec
// reason kill instead, so the receiver can tell the untrappable signal from
// the trappable link reason (SPEC LNK rules), as the BEAM does.
caf::error signal_to_caf(const ExitReason& reason) {
  return reason.kind() == ExitReason::Kind::kill ? caf::error(caf::exit_reason::kill) : to_caf(reason);
}
bool is_kill_signal(const caf::error& e) {
  return e && e.category() == caf::atom("exit") && e.code() == static_cast<uint8_t>(caf::exit_reason::kill);
}

// CAF 0.17 names are atoms: at most 10 characters of [0-9A-Za-z_ ].
caf::atom_value atom_for(std::string_view name) {
  bool ok = name.size() <= 10;
  for (char c : name)
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ' ');
  if (!ok)
    throw BadArg("CAF 0.17 registers names as atoms: '" + std::string(name) +
                 "' is not at most 10 characters of [0-9A-Za-z_ ]");
  return caf::atom_from_string(caf::string_view(name.data(), name.size()));
}

// Mirrors caf::anon_send_exit (which takes only caf::exit_reason): an exit
// signal from outside any actor. CAF names the target itself as its source.
void anon_exit(const caf::actor& a, caf::error reason) {
  a->enqueue(nullptr, caf::make_message_id(), caf::make_message(caf::exit_msg{a->address(), std::move(reason)}),
             nullptr);
}

std::string first_line_of(const char* path) {
  std::ifstream in(path);
  std::string line;
  return std::getline(in, line) ? line : "?";
}

std::string rlimit_text(int resource, bool bytes) {
  rlimit r{};
  if (getrlimit(resource, &r) != 0) return "?";
  if (r.rlim_cur == RLIM_INFINITY) return "unlimited";
  return bytes ? std::to_string(r.rlim_cur >> 20) + " MiB" : std::to_string(r.rlim_cur);
}

// std::thread's failure has several causes; name every limit that may be
// the one hit, with its value, so the user knows what to raise (SPEC RT-14).
std::string thread_limit_report(const std::system_error& e, std::size_t running) {
  return std::string("CAF could not start a thread for the process (") + e.what() + ") with " +
         std::to_string(running) + " process threads running; limits: vm.max_map_count=" +
         first_line_of("/proc/sys/vm/max_map_count") +
         ", kernel.threads-max=" + first_line_of("/proc/sys/kernel/threads-max") +
         ", RLIMIT_NPROC=" + rlimit_text(RLIMIT_NPROC, false) + ", RLIMIT_AS=" + rlimit_text(RLIMIT_AS, true);
}

enum class SpawnMode { plain, link, monitor };

// The runtime whose process runs on this thread, for ProcessThreadHook,
// and that process's pid (from its spawn to the end of its thread).
thread_local CafRuntime* process_thread_of = nullptr;
thread_local Pid process_thread_pid;

// CAF calls thread hooks on each of its threads; a process's thread tells
// its runtime when it is done, after CAF's cleanup of the actor.
struct ProcessThreadHook final : caf::thread_hook {
  void init(caf::actor_system&) override {}
  void thread_started() override {}
  void thread_terminates() override;
};

class CafRuntime final : public Runtime {
 public:
  explicit CafRuntime(const RuntimeOptions& options) {
    config_.add_thread_hook<ProcessThreadHook>();
    // Blocking actors run on their own threads; the scheduler's workers
    // only serve CAF's internal actors.
    config_.set("scheduler.max-threads", size_t{options.workers ? options.workers : 1});
    system_ = std::make_unique<caf::actor_system>(config_);
    // The constructor leaves a reference to the system's logger in this
    // thread's locals, and ~actor_system waits for the logger to die: a
    // runtime shut down from another thread would wait forever.
    caf::logger::set_current_actor_system(nullptr);
  }
  ~CafRuntime() override {
    if (process_thread_of == this) {
      // Shutdown would wait for the very process running this destructor,
      // and no exception may leave a destructor: the report (SPEC RT-16).
      const Pid pid = process_thread_pid;
      std::fprintf(stderr,
                   "actorspec: the last reference to a caf runtime was dropped inside its own process %s; "
                   "a runtime cannot be destroyed by one of its processes. Keep a reference outside the "
                   "runtime (e.g. in main) until it is shut down.\n",
                   pid.to_string().c_str());
      std::abort();
    }
    shutdown();
  }

  std::string_view backend() const override { return "caf"; }
  unsigned workers() const override { return 0; }

  Pid spawn(Body body) override { return spawn_from(nullptr, std::move(body), SpawnMode::plain); }

  ExitReason run(Body body) override {
    if (process_thread_of == this) throw BadArg("Runtime::run must be called from outside the runtime's processes");
    auto done = std::make_shared<std::promise<ExitReason>>();
    auto result = done->get_future();
    spawn_from(nullptr, std::move(body), SpawnMode::plain,
               [done](const caf::error& reason) { done->set_value(from_caf(reason)); });
    return result.get();
  }

  void send_message(Pid to, Message m) override {
    if (auto a = find(to)) caf::anon_send(a, wrap(std::move(m)));
  }
  void send_message(std::string_view name, Message m) override {
    auto a = named(name);
    if (!a) throw UnknownName(std::string(name));
    caf::anon_send(a, wrap(std::move(m)));
  }

  void exit(Pid target, ExitReason reason) override {
    if (auto a = find(target)) anon_exit(a, signal_to_caf(reason));
  }

  // CAF's own answer: the actor has not begun its cleanup (it sets the
  // flag before it sends its exit_msg and down_msg).
  bool is_alive(Pid p) override {
    auto a = find(p);
    return a && !caf::actor_cast<caf::abstract_actor*>(a)->getf(caf::abstract_actor::is_terminated_flag);
  }

  std::optional<Pid> whereis(std::string_view name) override {
    auto a = named(name);
    if (!a) return std::nullopt;
    return pid_of(a.address());
  }

  std::size_t process_count() const override {
    std::lock_guard lock(mu_);
    return alive_.size();
  }

  void shutdown() override {
    // From a process it would wait for itself (the contract says BadArg).
    if (process_thread_of == this) throw BadArg("Runtime::shutdown must be called from outside the runtime's processes");
    // Concurrent callers all return once the first one has finished.
    std::lock_guard one_at_a_time(shutdown_mu_);
    std::vector<caf::actor> live;
    {
      std::lock_guard lock(mu_);
      if (!system_) return;
      stopping_ = true;
      for (auto id : alive_) live.push_back(actors_.at(id));
    }
    // A process in receive meets the signal at once; a running one at its
    // next call into the runtime (CafProcess::enter sees stopping_).
    for (auto& a : live) anon_exit(a, to_caf(ExitReason::shutdown()));
    {
      std::unique_lock lock(mu_);
      all_ended_.wait(lock, [&] { return alive_.empty(); });
    }
    system_->await_all_actors_done();
    {
      // Every process thread, to the end of CAF's cleanup: an actor still in
      // it posts to the actor clock, which ~actor_system stops before it
      // waits for those threads; with more than a few, it waits forever.
      std::unique_lock lock(mu_);
      all_ended_.wait(lock, [&] { return process_threads_ == 0; });
    }
    std::unique_ptr<caf::actor_system> system;
    std::unordered_map<std::uint64_t, caf::actor> actors;
    {
      std::lock_guard lock(mu_);
      actors.swap(actors_);
      system.swap(system_);
    }
    actors.clear();
    system.reset();
  }

  // ---- for processes ----

  // on_end runs once the process has ended and left process_count.
  Pid spawn_from(CafProcess* parent, Body body, SpawnMode mode,
                 std::function<void(const caf::error&)> on_end = nullptr);

  bool stopping() const {
    std::lock_guard lock(mu_);
    return stopping_;
  }

  // The CAF handle of a pid this runtime issued (alive or not), else null.
  caf::actor find(Pid p) const {
    std::lock_guard lock(mu_);
    auto it = actors_.find(p.id());
    return it == actors_.end() ? caf::actor() : it->second;
  }

  // Null after shutdown, like every name.
  caf::actor named(std::string_view name) const {
    const auto key = atom_for(name);
    std::lock_guard lock(mu_);
    return system_ ? system_->registry().get<caf::actor>(key) : caf::actor();
  }

  caf::actor_system& system() { return *system_; }

  CafProcess& adopt(std::unique_ptr<CafProcess> process);

  Ref make_ref() { return Ref(next_ref.fetch_add(1, std::memory_order_relaxed)); }

  // The pid this runtime issued for a CAF actor; none for CAF's own actors
  // (its registry holds some) and for no actor.
  Pid pid_of(const caf::actor_addr& a) const {
    if (!a) return Pid();
    std::lock_guard lock(mu_);
    auto it = pid_by_caf_.find(a.id());
    return it == pid_by_caf_.end() ? Pid() : Pid(it->second);
  }

  void process_thread_done() {
    std::lock_guard lock(mu_);
    --process_threads_;
    all_ended_.notify_all();
  }

  // links() is bookkeeping: CAF keeps links but cannot list them.
  void note_link(Pid a, Pid b) {
    std::lock_guard lock(mu_);
    if (!alive_.count(a.id()) || !alive_.count(b.id())) return;
    links_[a.id()].insert(b.id());
    links_[b.id()].insert(a.id());
  }
  void forget_link(Pid a, Pid b) {
    std::lock_guard lock(mu_);
    if (auto it = links_.find(a.id()); it != links_.end()) it->second.erase(b.id());
    if (auto it = links_.find(b.id()); it != links_.end()) it->second.erase(a.id());
  }
  std::vector<Pid> links_of(Pid p) const {
    std::lock_guard lock(mu_);
    std::vector<Pid> out;
    if (auto it = links_.find(p.id()); it != links_.end())
      for (auto id : it->second) out.emplace_back(id);
    return out;
  }

 private:
  void note_ended(std::uint64_t id) {
    std::lock_guard lock(mu_);
    alive_.erase(id);
    if (auto it = links_.find(id); it != links_.end()) {
      for (auto other : it->second)
        if (auto o = links_.find(other); o != links_.end()) o->second.erase(id);
      links_.erase(it);
    }
    all_ended_.notify_all();
  }

  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  std::mutex shutdown_mu_;

  mutable std::mutex mu_;
  std::condition_variable all_ended_;
  bool stopping_ = false;                                        // mu_
  // Every process ever spawned: CAF answers link and monitor of a dead
  // actor through its handle, so the handle outlives the actor.
  std::unordered_map<std::uint64_t, caf::actor> actors_;        // mu_, by pid
  std::unordered_map<caf::actor_id, std::uint64_t> pid_by_caf_;  // mu_
  // A body may let its Process& escape; it stays safe to call (every call
  // throws NotInProcess once the process ended) until the runtime is
  // destroyed (SPEC ERR-12), so the runtime owns the process objects.
  std::unordered_map<std::uint64_t, std::unique_ptr<CafProcess>> processes_;  // mu_
  std::unordered_set<std::uint64_t> alive_;                      // mu_
  std::size_t process_threads_ = 0;                              // mu_
  std::unordered_map<std::uint64_t, std::unordered_set<std::uint64_t>> links_;  // mu_
};

class CafProcess final : public Process {
 public:
  CafProcess(CafRuntime& rt, caf::blocking_actor* self, Pid pid) : rt_(rt), self_(self), pid_(pid) {}

  void main(const Body& body) {
    current_process = this;
    ExitReason reason;
    try {
      enter("the body");
      body(*this);
    } catch (const ProcessExit& e) {
      reason = e.reason;
    } catch (const std::exception& e) {
      reason = ExitReason::exception(demangle(typeid(e)), e.what());
    } catch (...) {
      reason = ExitReason::exception("unknown", "an exception not derived from std::exception");
    }
    // A signal that ended us wins over however the body finished.
    if (pending_exit_) reason = *pending_exit_;
    current_process = nullptr;
    // CAF sends the fail state to links (exit_msg) and monitors (down_msg).
    self_->fail_state(to_caf(reason));
  }

  caf::blocking_actor* caf_self() { return self_; }
  void add_monitor(Pid target, Ref ref, std::optional<std::string> name = std::nullopt) {
    monitors_[target.id()].push_back({ref, std::move(name)});
  }

  Pid self() const override { return pid_; }
  Runtime& runtime() override { return rt_; }

  // A receive's clauses run their guards here; a guard must not receive
  // (SPEC ERR-13: receive and demonitor(flush) inside one throw BadArg).
  int match_in_guard(MatchRef match, const Message& m) {
    in_guard_ = true;
    struct Leave {
      bool& flag;
      ~Leave() { flag = false; }
    } leave{in_guard_};
    return match(m);
  }

  void send_message(Pid to, Message m) override {
    enter("send");
    if (auto a = rt_.find(to)) self_->send(a, wrap(std::move(m)));
  }
  void send_message(std::string_view name, Message m) override {
    enter("send");
    auto a = rt_.named(name);
    if (!a) throw UnknownName(std::string(name));
    self_->send(a, wrap(std::move(m)));
  }

  std::optional<Received> receive_matching(MatchRef match, std::optional<std::chrono::nanoseconds> timeout) override;

  Pid spawn(Body body) override {
    enter("spawn");
    return rt_.spawn_from(this, std::move(body), SpawnMode::plain);
  }
  Pid spawn_link(Body body) override {
    enter("spawn_link");
    return rt_.spawn_from(this, std::move(body), SpawnMode::link);
  }
  std::pair<Pid, Ref> spawn_monitor(Body body) override {
    enter("spawn_monitor");
    const Ref ref = rt_.make_ref();
    // Recorded before the child can end: its down_msg needs the ref.
    const Pid child = rt_.spawn_from(this, std::move(body), SpawnMode::monitor);
    add_monitor(child, ref);
    return {child, ref};
  }

  void link(Pid other) override {
    enter("link");
    if (other == pid_) return;
    auto a = rt_.find(other);
    if (!a) {
      // A pid no CAF actor ever had (CAF handles cannot be forged): the
      // spec's answer for a process that does not exist.
      if (!trap_exit_) throw NoProc(other.to_string());
      self_->send(caf::actor_cast<caf::actor>(self_), wrap(Message::of(Exit{other, ExitReason::noproc()})));
      return;
    }
    self_->link_to(a);
    rt_.note_link(pid_, other);
  }
  void unlink(Pid other) override {
    enter("unlink");
    if (auto a = rt_.find(other)) self_->unlink_from(a);
    rt_.forget_link(pid_, other);
  }
  std::vector<Pid> links() override {
    enter("links");
    return rt_.links_of(pid_);
  }

  Ref monitor(Pid target) override {
    enter("monitor");
    return monitor_as(target, std::nullopt);
  }
  Ref monitor(std::string_view name) override {
    enter("monitor");
    // CAF monitors handles, not names: resolve once, now.
    auto a = rt_.named(name);
    if (!a) {
      const Ref ref = rt_.make_ref();
      post(Down{ref, Pid(), std::string(name), ExitReason::noproc()});
      return ref;
    }
    return monitor_as(rt_.pid_of(a.address()), std::string(name));
  }

  bool demonitor(Ref ref, DemonitorOption option) override;

  bool trap_exit(bool on) override {
    enter("trap_exit");
    return std::exchange(trap_exit_, on);
  }
  bool trapping_exits() const override { return trap_exit_; }

  void exit(Pid target, ExitReason reason) override {
    enter("exit");
    if (auto a = rt_.find(target)) self_->send_exit(a, signal_to_caf(reason));
  }

  bool is_alive(Pid p) override {
    enter("is_alive");
    return rt_.is_alive(p);
  }

  void register_name(std::string name, Pid p) override {
    enter("register_name");
    const auto key = atom_for(name);
    auto a = rt_.find(p);
    if (!a) throw NotAlive(p.to_string());
    rt_.system().registry().put(key, a);
  }
  void unregister_name(std::string_view name) override {
    enter("unregister_name");
    rt_.system().registry().erase(atom_for(name));
  }
  std::optional<Pid> whereis(std::string_view name) override {
    enter("whereis");
    return rt_.whereis(name);
  }
  std::vector<std::string> registered() override {
    enter("registered");
    std::vector<std::string> out;
    // The names of this runtime's processes: CAF's registry also holds
    // CAF's own service actors (SpawnServ, ConfigServ), which are none.
    for (auto& [key, a] : rt_.system().registry().named_actors())
      if (rt_.pid_of(a->address())) out.push_back(caf::to_string(key));
    return out;
  }

  std::size_t mailbox_size() override {
    enter("mailbox_size");
    // CAF's mailbox().size() leaves out the cache where a receive keeps the
    // messages it skipped; they are in the mailbox all the same.
    auto& inbox = self_->mailbox();
    std::size_t n = inbox.size();  // fetches new arrivals, counts the queues
    auto& queues = inbox.queue().queues();
    n += std::get<caf::blocking_actor::mailbox_policy::normal_queue_index>(queues).cache().total_task_size();
    n += std::get<caf::blocking_actor::mailbox_policy::urgent_queue_index>(queues).cache().total_task_size();
    return n;
  }

 private:
  struct Monitor {
    Ref ref;
    std::optional<std::string> name;
  };

  // Every call comes through here: only the process itself may act as it,
  // and a shutting-down runtime ends a process at its next call.
  void enter(const char* what) {
    if (current_process != this) throw NotInProcess(what);
    if (rt_.stopping()) die(ExitReason::shutdown());
  }
  [[noreturn]] void die(ExitReason reason) {
    pending_exit_ = reason;
    throw ProcessExit{std::move(reason)};
  }

  // A message the adapter itself owes this process (a Down or Exit about a
  // pid CAF never knew), queued like any other.
  template <class T>
  void post(T value) {
    self_->send(caf::actor_cast<caf::actor>(self_), wrap(Message::of(std::move(value))));
  }

  Ref monitor_as(Pid target, std::optional<std::string> name) {
    const Ref ref = rt_.make_ref();
    auto a = rt_.find(target);
    if (!a) {
      post(Down{ref, target, std::move(name), ExitReason::noproc()});
      return ref;
    }
    // Before monitoring: the down_msg may come at once (a dead target).
    add_monitor(target, ref, std::move(name));
    self_->monitor(a);
    return ref;
  }

  CafRuntime& rt_;
  caf::blocking_actor* self_;
  const Pid pid_;
  bool trap_exit_ = false;
  bool in_guard_ = false;
  std::optional<ExitReason> pending_exit_;
  std::unordered_map<std::uint64_t, std::deque<Monitor>> monitors_;
  std::unordered_map<std::uint64_t, std::deque<Monitor>> dropped_;
};

void ProcessThreadHook::thread_terminates() {
  if (CafRuntime* rt = std::exchange(process_thread_of, nullptr)) rt->process_thread_done();
}

CafProcess& CafRuntime::adopt(std::unique_ptr<CafProcess> process) {
  CafProcess& p = *process;
  std::lock_guard lock(mu_);
  processes_.emplace(p.self().id(), std::move(process));
  return p;
}

Pid CafRuntime::spawn_from(CafProcess* parent, Body body, SpawnMode mode,
                           std::function<void(const caf::error&)> on_end) {
  // The contract's check (CAF would run the empty function and fail in it).
  if (!body) throw BadArg("spawn needs a callable body; this one is empty");
  const Pid pid(next_pid.fetch_add(1, std::memory_order_relaxed));
  auto fun = [this, pid, body = std::move(body)](caf::blocking_actor* self) mutable {
    process_thread_of = this;
    process_thread_pid = pid;
    CafProcess& process = adopt(std::make_unique<CafProcess>(*this, self, pid));
    process.main(body);
    // Its captures may hold what a watcher waits for: gone before the
    // down_msg, which CAF sends after this returns (CAF itself keeps the
    // function until the actor object dies).
    body = nullptr;
    // Uncounted before CAF's cleanup sends the down_msg and exit_msgs: CAF
    // runs a monitor attached after the attach_functor below first (its
    // attachables run newest first), so a watcher could see the Down while
    // process_count still counted the process (SPEC RT-5).
    note_ended(pid.id());
  };
  caf::actor a;
  {
    // Under the lock: shutdown either sees this process or refuses it, and
    // nobody can learn the pid before it resolves to the handle.
    std::lock_guard lock(mu_);
    if (stopping_) throw RuntimeStopped();
    try {
      if (!parent) {
        a = system_->spawn(std::move(fun));
      } else if (mode == SpawnMode::link) {
        a = parent->caf_self()->spawn<caf::linked>(std::move(fun));
      } else if (mode == SpawnMode::monitor) {
        a = parent->caf_self()->spawn<caf::monitored>(std::move(fun));
      } else {
        a = parent->caf_self()->spawn(std::move(fun));
      }
    } catch (const std::system_error& e) {
      // std::thread could not start the actor's thread (SPEC RT-14). CAF
      // 0.17's blocking_actor::launch counted the detached thread before
      // starting it and never uncounts it when the start fails, so
      // ~actor_system would wait for it forever: the count is CAF's own
      // bookkeeping of a thread that does not exist, given back here.
      system_->dec_detached_threads();
      throw SystemLimit(thread_limit_report(e, process_threads_));
    }
    actors_.emplace(pid.id(), a);
    pid_by_caf_.emplace(a.id(), pid.id());
    alive_.insert(pid.id());
    ++process_threads_;
    if (mode == SpawnMode::link) {
      links_[pid.id()].insert(parent->self().id());
      links_[parent->self().id()].insert(pid.id());
    }
  }
  // Spawning, too, leaves the logger in the caller's thread locals (see the
  // constructor); a process's thread ends, an outside thread may not.
  if (!parent) caf::logger::set_current_actor_system(nullptr);
  // Outside the lock: on an actor that already ended, CAF runs it at once.
  // note_ended again for an actor whose function never ran (harmless
  // twice); run's on_end needs it either way.
  a->attach_functor([this, id = pid.id(), on_end = std::move(on_end)](const caf::error& reason) {
    note_ended(id);
    if (on_end) on_end(reason);
  });
  return pid;
}

std::optional<Received> CafProcess::receive_matching(MatchRef match, std::optional<std::chrono::nanoseconds> timeout) {
  enter("receive");
  if (in_guard_) throw BadArg("receive called inside a receive guard; a guard must only look at the message it is given");
  if (timeout && timeout->count() < 0) throw InvalidTimeout();
  std::optional<Clock::time_point> deadline;
  if (timeout) deadline = Clock::now() + *timeout;

  for (;;) {
    std::optional<Received> got;
    std::optional<ExitReason> fatal;
    bool timed_out = false;

    // Once shutdown has begun, whatever wakes the receive ends the process
    // with shutdown (SPEC RT-6): a message, or the Down or Exit of another
    // process the shutdown ended first, may come before this one's own
    // exit_msg, and must not let the process act on it.
    auto stopping = [&] {
      if (!rt_.stopping()) return false;
      fatal = ExitReason::shutdown();
      return true;
    };
    auto on_message = [&](Envelope& e) -> caf::result<void> {
      if (stopping()) return caf::unit;
      const int clause = match_in_guard(match, *e.message);
      if (clause < 0) return caf::skip;
      got = Received{clause, std::move(*e.message)};
      return caf::unit;
    };
    // CAF hands a blocking actor every exit_msg as a message (and unlinks
    // it from the sender on receipt). Erlang's rule, applied here: a kill
    // signal or a shutdown ends the process; a trapping process gets an
    // Exit message; otherwise normal is dropped and any other reason ends it.
    auto on_exit = [&](caf::exit_msg& em) -> caf::result<void> {
      const Pid from = rt_.pid_of(em.source);
      rt_.forget_link(pid_, from);
      if (stopping()) return caf::unit;
      if (is_kill_signal(em.reason)) {
        fatal = ExitReason::killed();
        return caf::unit;
      }
      ExitReason reason = from_caf(em.reason);
      if (trap_exit_) {
        Message m = Message::of(Exit{from, std::move(reason)});
        const int clause = match_in_guard(match, m);
        if (clause < 0) return caf::skip;
        got = Received{clause, std::move(m)};
        return caf::unit;
      }
      if (!reason.is_normal()) fatal = std::move(reason);
      return caf::unit;
    };
    // down_msgs from one actor are alike (CAF monitors have no identity),
    // so one may stand for any monitor of that actor not yet answered:
    // the first whose Down the receive accepts takes it.
    auto on_down = [&](caf::down_msg& dm) -> caf::result<void> {
      if (stopping()) return caf::unit;
      const Pid from = rt_.pid_of(dm.source);
      const ExitReason reason = from_caf(dm.reason);
      for (auto* table : {&monitors_, &dropped_}) {
        auto it = table->find(from.id());
        if (it == table->end()) continue;
        for (auto mon = it->second.begin(); mon != it->second.end(); ++mon) {
          Message m = Message::of(Down{mon->ref, from, mon->name, reason});
          const int clause = match_in_guard(match, m);
          if (clause < 0) continue;
          it->second.erase(mon);
          got = Received{clause, std::move(m)};
          return caf::unit;
        }
      }
      return caf::skip;
    };

    if (deadline) {
      const auto left = std::max(Clock::duration::zero(), *deadline - Clock::now());
      self_->receive(on_message, on_exit, on_down,
                     caf::after(std::chrono::duration_cast<std::chrono::microseconds>(left)) >>
                         [&] { timed_out = !stopping(); });
    } else {
      self_->receive(on_message, on_exit, on_down);
    }

    if (fatal) die(std::move(*fatal));
    if (got) return got;
    if (timed_out) return std::nullopt;
    // A dropped normal exit signal consumed this round: receive again.
  }
}

bool CafProcess::demonitor(Ref ref, DemonitorOption option) {
  enter("demonitor");
  if (in_guard_ && option == DemonitorOption::flush)
    throw BadArg("demonitor with flush called inside a receive guard; it would remove messages the receive is scanning");
  std::optional<std::uint64_t> target;
  for (auto& [id, refs] : monitors_) {
    for (auto it = refs.begin(); it != refs.end(); ++it) {
      if (it->ref != ref) continue;
      target = id;
      if (option == DemonitorOption::none) dropped_[id].push_back(*it);
      refs.erase(it);
      break;
    }
    if (target) break;
  }
  // CAF removes every monitor this actor holds on the target at once.
  bool live = false;
  if (target) {
    const caf::actor a = rt_.find(Pid(*target));
    // Erlang's [info]: false once the monitor has fired. CAF has no such
    // answer; a terminated target has sent its down_msg.
    live = !caf::actor_cast<caf::abstract_actor*>(a)->getf(caf::abstract_actor::is_terminated_flag);
    self_->demonitor(a.address());
  }
  if (option == DemonitorOption::flush) {
    // One Down for this ref, if already queued: a down_msg from the target
    // (with no other live monitor on it) or one the adapter posted.
    const bool others = target && !monitors_[*target].empty();
    self_->receive(
        [&](caf::down_msg& dm) -> caf::result<void> {
          if (target && !others && rt_.pid_of(dm.source) == Pid(*target)) return caf::unit;
          return caf::skip;
        },
        [&](Envelope& e) -> caf::result<void> {
          const Down* d = e.message->peek<Down>();
          return d && d->ref == ref ? caf::result<void>(caf::unit) : caf::result<void>(caf::skip);
        },
        caf::after(std::chrono::microseconds(0)) >> [] {});
  }
  return live;
}

}  // namespace

std::unique_ptr<Runtime> make_runtime(const RuntimeOptions& options) { return std::make_unique<CafRuntime>(options); }

}  // namespace actorspec_caf

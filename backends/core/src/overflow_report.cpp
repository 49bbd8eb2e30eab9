#include "actorspec/core/overflow_report.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "process_state.hpp"

namespace actorspec::core {
namespace {

struct RunningStack {
  const Schedulable* process = nullptr;
  const char* backend = "";
  std::uintptr_t bottom = 0;  // lowest usable byte
  std::size_t size = 0;
  std::size_t guard = 0;
};

thread_local RunningStack running;

struct sigaction previous_segv;
struct sigaction previous_bus;

// Async-signal-safe output: write(2) of pieces, numbers formatted by hand.
void put(const char* s) {
  std::size_t n = 0;
  while (s[n]) ++n;
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void put_number(std::uint64_t v, unsigned base = 10) {
  char buf[32];
  char* p = buf + sizeof buf - 1;
  *p = '\0';
  do {
    *--p = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (base == 16) put("0x");
  put(p);
}

void chain(const struct sigaction& prev, int sig, siginfo_t* info, void* uctx) {
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) return prev.sa_sigaction(sig, info, uctx);
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN && prev.sa_handler) {
    return prev.sa_handler(sig);
  }
  // Default action: restore it and return; the faulting instruction runs
  // again and the kernel ends the program with the original signal.
  ::signal(sig, SIG_DFL);
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  const RunningStack s = running;
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  if (s.process && s.guard && addr < s.bottom && addr + s.guard >= s.bottom) {
    const Pid pid = static_cast<const ProcessState*>(s.process)->pid();
    put("actorspec ");
    put(s.backend);
    put(" backend: process <0.");
    put_number(pid.id());
    put(".0> overflowed its stack of ");
    put_number(s.size);
    put(" bytes (fault at ");
    put_number(addr, 16);
    put(", in the guard page below it); give processes more with RuntimeOptions::stack_size\n");
    std::abort();
  }
  chain(sig == SIGBUS ? previous_bus : previous_segv, sig, info, uctx);
}

// An alternate signal stack for this thread, freed at thread exit by a
// pthread key's destructor rather than a thread_local object's: glibc
// registers a thread_local destructor with a malloc at first use and aborts
// the whole program ("failed to register TLS destructor: out of memory")
// when that fails, as it does for a thread that starts when memory has run
// out (SPEC RT-14's refused spawn: the thread backend's next thread). A key
// set in the thread's first slots allocates nothing.
void free_alt_stack(void* memory) {
  stack_t ss{};
  ss.ss_flags = SS_DISABLE;
  ::sigaltstack(&ss, nullptr);
  std::free(memory);
}

pthread_key_t alt_stack_key;

void install_alt_stack() {
  stack_t old{};
  if (::sigaltstack(nullptr, &old) == 0 && !(old.ss_flags & SS_DISABLE)) return;  // someone set one (a sanitizer, the thread backend)
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  constexpr std::size_t kSize = 256 * 1024;
#else
  constexpr std::size_t kSize = 64 * 1024;
#endif
  void* memory = std::malloc(kSize);
  if (!memory) return;  // no report for this thread's overflow, but the thread runs
  stack_t ss{};
  ss.ss_sp = memory;
  ss.ss_size = kSize;
  if (::sigaltstack(&ss, nullptr) != 0 || ::pthread_setspecific(alt_stack_key, memory) != 0) free_alt_stack(memory);
}

}  // namespace

void prepare_overflow_reports() noexcept {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction sa{};
    sa.sa_sigaction = &on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGSEGV, &sa, &previous_segv);
    ::sigaction(SIGBUS, &sa, &previous_bus);
    ::pthread_key_create(&alt_stack_key, &free_alt_stack);
  });
  thread_local bool prepared = false;  // trivially destructible: nothing to register
  if (prepared) return;
  prepared = true;
  install_alt_stack();
}

void running_on_stack(const Schedulable* process, const char* backend, const void* usable_bottom,
                      std::size_t usable_size, std::size_t guard_size) noexcept {
  running = RunningStack{process, backend, reinterpret_cast<std::uintptr_t>(usable_bottom), usable_size, guard_size};
}

}  // namespace actorspec::core

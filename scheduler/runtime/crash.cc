#include "scheduler/runtime/crash.h"

#include "scheduler/runtime/fiber_sanitizer.h"

#include <cxxabi.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unwind.h>

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>

#include "scheduler/runtime/execution.h"

namespace interleave {

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL};
constexpr size_t kAltStackSize = 128 * 1024;

// The handlers in place before ours, called for signals that are not ours.
struct sigaction g_previous[NSIG];
std::terminate_handler g_previous_terminate = nullptr;

const void* interrupted_sp(void* ucontext) {
  auto* uc = static_cast<ucontext_t*>(ucontext);
#if defined(__x86_64__)
  return reinterpret_cast<const void*>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  return reinterpret_cast<const void*>(uc->uc_mcontext.sp);
#else
  (void)uc;
  return nullptr;  // model_code_at() then trusts the running thread alone
#endif
}

uintptr_t interrupted_pc(void* ucontext) {
  auto* uc = static_cast<ucontext_t*>(ucontext);
#if defined(__x86_64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
  return 0;
#endif
}

// Counting the frames of an overflowed stack. The unwinder runs inside the
// signal handler; should it fault itself, the handler jumps back here.
thread_local bool t_counting = false;
thread_local sigjmp_buf t_counting_escape;

struct FrameCount {
  const Execution* execution;
  int frames = 0;
};

_Unwind_Reason_Code count_frame(_Unwind_Context* context, void* arg) {
  auto* count = static_cast<FrameCount*>(arg);
  const void* cfa = reinterpret_cast<const void*>(_Unwind_GetCFA(context));
  if (count->execution->on_running_stack(cfa)) {
    ++count->frames;
  } else if (count->frames > 0) {
    return _URC_END_OF_STACK;  // past the thread's first frame
  }
  return count->frames > 100'000'000 ? _URC_END_OF_STACK : _URC_NO_REASON;
}

int count_frames(const Execution& execution) {
  FrameCount count{&execution};
  if (sigsetjmp(t_counting_escape, 0) == 0) {
    t_counting = true;
    _Unwind_Backtrace(count_frame, &count);
  }
  t_counting = false;
  return count.frames;
}

// Hands a signal that is not ours to the handler installed before ours, or
// to the default action.
void forward(int signal, siginfo_t* info, void* ucontext) {
  const struct sigaction& previous = g_previous[signal];
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction != nullptr) {
      previous.sa_sigaction(signal, info, ucontext);
      return;
    }
  } else if (previous.sa_handler == SIG_IGN) {
    return;
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != nullptr) {
    previous.sa_handler(signal);
    return;
  }
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

// Not instrumented by ASan: it runs on the signal stack and may leave by a
// jump (Execution::escape), which ASan's no-return bookkeeping mistakes for
// an overflow of the thread's stack.
INTERLEAVE_NO_SANITIZE_ADDRESS
void on_signal(int signal, siginfo_t* info, void* ucontext) {
  if (t_counting) siglongjmp(t_counting_escape, 1);
  const int saved_errno = errno;
  const void* sp = interrupted_sp(ucontext);
  Execution* ex = Execution::current();
  if (signal == crash::stuck_signal()) {
    // A late signal (the thread has moved on) or one not for this thread is ignored.
    if (ex != nullptr && ex->watchdog_found_stuck() && ex->model_code_at(sp)) {
      Escape e;
      e.cause = Escape::Cause::kStuck;
      ex->escape(e, sp);
    }
    errno = saved_errno;
    return;
  }
  if (ex != nullptr && ex->model_code_at(sp)) {
    Escape e;
    e.cause = Escape::Cause::kSignal;
    e.signal = signal;
    e.code = info->si_code;
    e.address = reinterpret_cast<uintptr_t>(info->si_addr);
    e.pc = interrupted_pc(ucontext);
    if ((signal == SIGSEGV || signal == SIGBUS) &&
        (ex->in_running_guard(info->si_addr) || ex->in_running_guard(sp))) {
      e.stack_overflow = true;
      e.frames = count_frames(*ex);
    }
    ex->escape(e, sp);
  }
  errno = saved_errno;
  forward(signal, info, ucontext);
}

// std::terminate: an exception escaped a noexcept function (a destructor,
// or unwinding a torn-down fiber through one). In model code the execution
// ends with the exception's message; otherwise the previous handler runs.
void on_terminate() {
  Execution* ex = Execution::current();
  int here = 0;
  if (ex != nullptr && ex->model_code_at(&here)) {
    Escape e;
    e.cause = Escape::Cause::kTerminate;
    bool known = false;
    {
      std::exception_ptr current = std::current_exception();
      if (current) {
        known = true;
        try {
          std::rethrow_exception(current);
        } catch (const FiberTeardown&) {
          e.code = 1;  // the teardown's own unwind
        } catch (const std::exception& x) {
          ex->set_escape_message(x.what());
        } catch (...) {
          ex->set_escape_message("exception of unknown type");
        }
      }
    }
    if (known) {
      // std::terminate was called as the handler of that exception
      // (__cxa_call_terminate began a catch): end it, so the exception is
      // freed and this OS thread's exception state stays balanced.
      __cxxabiv1::__cxa_end_catch();
      ex->escape(e, &here);
    }
    // std::terminate() called directly: abort, which the SIGABRT handler reports.
    std::abort();
  }
  if (g_previous_terminate != nullptr) g_previous_terminate();
  std::abort();
}

void install_process_handlers() {
  for (int signal : kFatalSignals) {
    struct sigaction action {};
    action.sa_sigaction = on_signal;
    sigemptyset(&action.sa_mask);
    // SA_NODEFER: the handler leaves by a jump, not by returning, so the
    // signal must not stay blocked afterwards.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(signal, &action, &g_previous[signal]);
  }
  struct sigaction stuck {};
  stuck.sa_sigaction = on_signal;
  sigemptyset(&stuck.sa_mask);
  stuck.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
  sigaction(crash::stuck_signal(), &stuck, &g_previous[crash::stuck_signal()]);
  g_previous_terminate = std::set_terminate(on_terminate);
}

// This OS thread's alternate signal stack, removed when the thread ends.
class AltStack {
 public:
  AltStack() {
    memory_ = ::mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    if (memory_ == MAP_FAILED) {
      memory_ = nullptr;
      return;
    }
    stack_t stack{};
    stack.ss_sp = memory_;
    stack.ss_size = kAltStackSize;
    if (sigaltstack(&stack, &previous_) != 0) {
      ::munmap(memory_, kAltStackSize);
      memory_ = nullptr;
    }
  }
  ~AltStack() {
    if (memory_ == nullptr) return;
    sigaltstack(&previous_, nullptr);
    ::munmap(memory_, kAltStackSize);
  }

 private:
  void* memory_ = nullptr;
  stack_t previous_{};
};

}  // namespace

namespace crash {

void prepare_this_thread() {
  static std::once_flag installed;
  std::call_once(installed, install_process_handlers);
  thread_local AltStack alt_stack;
}

int stuck_signal() { return SIGRTMIN + 3; }

const char* signal_name(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    case SIGILL: return "SIGILL";
  }
  return "signal";
}

}  // namespace crash
}  // namespace interleave

// Crash isolation: a model that crashes (SIGSEGV, SIGBUS, SIGFPE, SIGABRT,
// SIGILL, a stack overflow), that lets an exception escape a noexcept function
// (std::terminate), or that the watchdog finds stuck, ends its execution with a
// failure instead of ending the process.
//
// Mechanism (docs/robustness.md says why this one): handlers for those signals
// run on an alternate signal stack of the OS thread (so a fiber whose stack
// overflowed into its guard region can still be handled). If the signal hit
// model code of the execution running on this OS thread, the handler records
// what happened (no allocation) and leaves that code for good: from a model
// thread's fiber it switches to the context that resumed the thread; from the
// model's constructor, invariant or destructor it jumps back to where the
// execution called them. Anything else (a signal outside model code, on
// another OS thread, with no execution) goes to the handler that was installed
// before, or to the default action.
#pragma once

#include <cstdint>

namespace interleave {

// What ended model code abruptly, as a handler records it (plain data: it is
// written inside a signal handler).
struct Escape {
  enum class Cause : uint8_t {
    kNone,
    kSignal,     // a fatal signal in model code
    kStuck,      // the watchdog's signal: no visible operation for too long
    kTerminate,  // std::terminate: an exception escaped a noexcept function
  };
  Cause cause = Cause::kNone;
  // The signal and its si_code (kSignal).
  int signal = 0;
  int code = 0;
  // The faulting data address (SIGSEGV, SIGBUS) and instruction address.
  uintptr_t address = 0;
  uintptr_t pc = 0;
  // Whether the fault was in the guard region below the thread's stack, and
  // then how many frames deep the thread's stack was.
  bool stack_overflow = false;
  int frames = 0;
};

namespace crash {

// Installs the signal handlers and the std::terminate handler (once per
// process) and an alternate signal stack for the calling OS thread (once per
// thread). Called by every Execution; cheap after the first call.
//
// Another library that installs its own handlers for these signals later
// takes them over (Catch2 does so around every test case unless built with
// CATCH_CONFIG_NO_POSIX_SIGNALS): crashes then end the process as without
// interleave.
void prepare_this_thread();

// The real-time signal the watchdog sends to a stuck checking thread.
int stuck_signal();

// "SIGSEGV", "SIGABRT", ...
const char* signal_name(int signal);

}  // namespace crash
}  // namespace interleave

// The runtime of one execution: model threads as fibers, and the scheduling
// point every visible operation passes through.
//
// Control flow. The scheduler itself has no fiber of its own: at each visible
// operation the running thread asks the strategy who performs the next step.
// If it is itself, it simply goes on (no switch); otherwise it switches to the
// main context, which resumes the chosen thread. Every live thread is always
// suspended *before* its next visible operation, which it has declared
// (`pending`), so the scheduler knows what each thread will do next and which
// threads can run.
//
// An Execution is reused for many executions; its buffers and fiber stacks
// are kept, so steady-state steps do not allocate.
//
// Ending early. When an execution ends with threads still suspended (a
// failure, a replay that runs out of choices, a usage error), teardown unwinds
// each suspended fiber by throwing FiberTeardown from its suspension point, so
// the destructors on its stack run (their visible operations have no effect).
// Where that unwind would pass a noexcept frame (a thread paused at the unlock
// in ~lock_guard) C++ calls std::terminate; crash.h's handler then abandons
// the fiber instead: the frames not yet unwound are never resumed and their
// objects never destroyed, the stack itself is pooled and reused. A model
// thread that crashes, is stuck, or lets an exception out of a noexcept
// function is abandoned the same way (docs/robustness.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <source_location>
#include <span>
#include <string>
#include <vector>

#include <boost/context/fiber.hpp>

#include "scheduler/runtime/checker_thread.h"
#include "scheduler/runtime/crash.h"
#include "scheduler/runtime/failure.h"
#include "scheduler/runtime/operation.h"
#include "scheduler/runtime/race_detector.h"
#include "scheduler/runtime/spin_window.h"
#include "scheduler/runtime/stack_pool.h"
#include "scheduler/strategies/strategy.h"
#include "scheduler/runtime/thread_set.h"
#include "scheduler/runtime/watchdog.h"

namespace interleave {

// Thrown at a suspended model thread's scheduling point to unwind its fiber
// at teardown. Not an error: thread bodies must not swallow it (catch (...)
// { } in a model delays the teardown to its next visible operation).
struct FiberTeardown {};

// What an Execution needs from a model (see model.h for the adapter).
class ModelRunner {
 public:
  virtual ~ModelRunner() = default;
  // Number of threads started when the execution begins.
  virtual int thread_count() const = 0;
  // Constructs a fresh model instance (on the main context).
  virtual void create() = 0;
  // Runs the body of thread `index` (on that thread's fiber).
  virtual void run_thread(int index) = 0;
  // Checks the final invariant, after every thread has finished.
  virtual void check_invariant() = 0;
  // Destroys the model instance.
  virtual void destroy() = 0;
  // Whether a thread whose next step commutes with every other thread's
  // operations (a spawn; a join of a thread that has finished) takes that
  // step at once, the only thread the strategy is offered, instead of being
  // one branch among the runnable threads. Sound: any schedule that runs
  // other threads first reaches the same state as one that runs that step
  // first (the spawned thread cannot run before its spawn, and a finished
  // thread stays finished). On for instrumented models (ModelSpec::
  // instrumented), whose body's thread starts and joins would otherwise
  // multiply the schedules; off for the rest, whose explored counts stay as
  // they were.
  virtual bool commuting_steps_first() const { return false; }
  // The memory the model instance lives in, at one address across this
  // runner's executions and of one size in every runner of the model (empty:
  // not known). An object inside it is the same object in every runner at
  // the same offset, so a parallel search that names objects by offset can
  // move work between workers' instances (BlockSleepSets::set_instance).
  virtual std::span<const std::byte> instance_memory() const { return {}; }
};

// The scheduler-side state of one mutex, owned by the mutex object.
struct LockState {
  // The thread holding the mutex; kNoThread when free.
  ThreadId owner = kNoThread;
  // Threads whose pending operation is lock() of this mutex.
  ThreadSet waiters;
};

struct ExecutionLimits {
  // Steps after which an execution is stopped as a possible livelock.
  size_t max_steps = 10'000;
  // Usable stack bytes per model thread (--stack-size).
  size_t stack_size = StackPool::kDefaultStackSize;
  // Wall-clock seconds model code may run without a visible operation before
  // the execution fails as stuck (--watchdog, watchdog.h); 0: no watchdog.
  double watchdog_seconds = 5;
  // Not a bound but how each execution is checked: whether a data race on a
  // shared<T> fails it (race_detector.h). Off for models that race on purpose.
  bool detect_races = true;
  // Whether a thread found spinning (a loop iteration repeated in the same
  // state, reading only values nobody has written since; spin_window.h) is
  // held until another thread writes what it reads, rather than run on.
  // Off: spins run until max_steps, as before spin detection.
  bool detect_spins = true;
  // Whether a condition-variable wait without a predicate may wake up with
  // no notify (once per thread and condition variable in an execution), as
  // C++ allows: an alternative of the wait step (Execution::choose()).
  bool spurious_wakeups = true;
};

// How an execution ended.
enum class Outcome {
  kPassed,    // every thread finished and the invariant held
  kFailed,    // failure() says what broke
  kStopped,   // the strategy stopped it (see Strategy::error()), or error() says why
};

class Execution {
 public:
  explicit Execution(ExecutionLimits limits = {});
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Runs one execution of `model`, asking `strategy` at every step.
  Outcome run(ModelRunner& model, Strategy& strategy);

  // Results of the last run().
  const std::vector<TraceStep>& trace() const { return trace_; }
  const std::optional<Failure>& failure() const { return failure_; }
  // Set when the model exceeds a limit of the scheduler (more than
  // kMaxThreads threads alive at once): a usage error, not a bug; the run
  // returned kStopped. Empty otherwise.
  const std::string& error() const { return error_; }
  size_t steps() const { return trace_.size(); }
  const ExecutionLimits& limits() const { return limits_; }

  // --- Used by the model API (shared, atomic, mutex, check, spawn) ---

  // The execution running on this OS thread, or nullptr.
  static Execution* current() { return current_; }
  // Whether a model thread (not the main context) is running.
  bool in_thread() const { return running_ != kNoThread; }
  ThreadId running_thread() const { return running_; }
  // Whether the model's invariant is being checked.
  bool in_invariant() const { return in_invariant_; }
  // Whether the failed execution is being torn down: operations have no effect.
  bool tearing_down() const { return tearing_down_; }
  // Whether the execution has been pruned (a repeat, or the strategy ended
  // it): it only runs to its end, its outcome not reported. Operations with a
  // choice then take the one that ends soonest (a timed wait sleeps).
  bool pruned() const { return pruned_; }

  // The scheduling point before `op` on the running thread. `can_run` says
  // whether the operation could be performed now; if not, the thread stays
  // blocked until another thread's action unblock()s it. A thread found
  // spinning, or whose last step was a yield, is held too (spin_window.h).
  // Returns when the thread has been chosen to perform `op` (recorded as the
  // next step).
  // Inline so the caller's Operation temporary is scalarised and its fields
  // travel in registers: no store-then-wider-load of a fresh stack temporary.
  void schedule(const Operation& op, bool can_run = true) {
    schedule_fields(op.kind, op.object, op.name, op.location, can_run, op.object2, op.joined,
                    op.probe, op.plain);
  }
  // Out of line, so that it can capture its caller's state (CallerState).
  [[gnu::noinline]] void schedule_fields(OpKind kind, const void* object, const char* name,
                                         std::source_location location, bool can_run,
                                         const void* object2, ThreadId joined,
                                         const ValueProbe* probe = nullptr, bool plain = false);
  // yield(): a visible operation with no effect, after which the running
  // thread is held until another thread performs an effective step.
  void yield(std::source_location location);
  // The outcome of the running thread's current operation, when it can have
  // `alternatives` (>= 1) outcomes: a notify_one with several waiters wakes
  // any one, a wait may wake spuriously. Asks the strategy (an exhaustive one
  // explores each) and records the answer in the step. Returns 0 when there
  // is nothing to choose (alternatives <= 1), during teardown and in a pruned
  // execution; when the strategy's answer is out of range (a schedule that
  // does not fit, with the strategy's error saying so) the rest of the
  // execution is pruned and 0 returned.
  int choose(int alternatives);
  // The running thread's current step, a condition-variable wait, took its
  // spurious-wakeup outcome and returns at once, or its current step, the
  // relock of a timed wait, timed out. If the thread's next visible
  // operation is a wait on the same variable, from the same call site, in
  // the same state (spin_window.h's fingerprint: registers and stack), with
  // only loads and yields in between, the wakeup changed nothing (see
  // note_wait()).
  void woke_spuriously();
  // Before the running thread's wait on `condition` that may wake
  // spuriously or time out: the model's state at its call into the wait
  // (`model`, captured at the wait function's entry; its stack nullptr where
  // capture is not supported). Back here unchanged after a spurious wakeup
  // (see woke_spuriously()): the execution repeats the one where the thread
  // slept, and is pruned. Back here unchanged after a timeout: returns true,
  // and the caller holds the thread's timeout until another thread has
  // progressed (hold_after_wait()), since timing out again before that would
  // repeat the same steps. False otherwise.
  bool note_wait(const void* condition, const CallerState& model);
  // Holds the running thread at its next scheduling point until another
  // thread performs an effective step, as after a yield (with nobody else
  // to run, it goes on).
  void hold_after_wait();
  // The last step's shown values.
  void record_read(int64_t value) {
    if (tearing_down_) return;
    trace_.back().has_read = true;
    trace_.back().read = value;
  }
  void record_written(int64_t value) {
    if (tearing_down_) return;
    trace_.back().has_written = true;
    trace_.back().written = value;
  }
  // The operation thread `t` will perform when next chosen; a condition
  // variable's notify replaces a sleeper's wait by the relock of its mutex.
  const Operation& pending(ThreadId t) const { return pending_[t]; }
  void set_pending(ThreadId t, const Operation& op) { pending_[t] = op; }
  // Threads that can no longer perform their pending operation / now can.
  void block(ThreadSet threads) { enabled_.erase_all(threads); }
  void unblock(ThreadSet threads) {
    threads.erase_all(blocked_forever_);
    enabled_.insert_all(threads);
  }

  // Fails the execution. On a model thread, the thread never resumes (the
  // call does not return normally; its stack is unwound at teardown). On the
  // main context (constructor, invariant) the first failure is kept and the
  // call returns.
  void fail(FailureKind kind, std::string message, std::source_location location);

  // The shared<T> at `object` is destroyed while the execution runs: a
  // variable built later at its address is a new one to the race detector.
  void forget_object(const void* object) {
    if (limits_.detect_races) races_.forget(object);
  }

  // --- Used by the instrumented runtime (instrumented/runtime.cc) ---

  // A plain access by the running thread that is not a visible operation
  // (code compiled with -fsanitize=thread reading or writing memory): never
  // a scheduling point, only checked against happens-before. Returns the
  // thread of an earlier access to `object` it races with (and sets
  // *earlier_write to whether that one wrote), or kNoThread (also when
  // limits().detect_races is off, on the main context and during teardown).
  // The caller reports the race with fail(FailureKind::kDataRace, ...).
  ThreadId plain_access(const void* object, bool write, bool* earlier_write) {
    if (!limits_.detect_races || running_ == kNoThread || tearing_down_) return kNoThread;
    return races_.on_access(running_, object, write, static_cast<uint32_t>(trace_.size()),
                            earlier_write);
  }
  // The running thread calls something the scheduler cannot model (an
  // instrumented program's pthread_cond_wait, say): a usage error, not a
  // bug. Ends the execution with `message` as error() (the run returns
  // kStopped) and never returns.
  [[noreturn]] void unsupported(std::string message) {
    record_error(std::move(message));
    abandon_thread();
  }
  // The memory [begin, begin + size) holds new objects from now on (a fresh
  // allocation): earlier accesses there are forgotten by the race detector.
  void forget_range(const void* begin, size_t size) {
    if (limits_.detect_races) races_.forget_range(begin, size);
  }

  // Starts a thread running `body`; it runs up to its first visible operation
  // before this returns. A visible operation of the calling thread.
  ThreadId spawn(std::function<void()> body, std::source_location location);
  // Blocks until thread `t` has finished. A visible operation.
  void join(ThreadId t, std::source_location location);

  // --- Used by the crash and watchdog handlers (crash.cc) on this OS thread ---

  // Whether model code of this execution runs on the stack at `sp`: the
  // running thread's fiber, or the model's constructor, invariant or
  // destructor on the main context.
  bool model_code_at(const void* sp) const noexcept {
    if (running_ != kNoThread) {
      return sp == nullptr || stacks_.contains(running_, sp) ||
             stacks_.in_guard_or_below(running_, sp);  // a frame larger than the guard
    }
    return main_escape_armed_;
  }
  // Whether `address` lies on the running thread's stack / in the guard
  // region below it.
  bool on_running_stack(const void* address) const noexcept {
    return running_ != kNoThread && stacks_.contains(running_, address);
  }
  bool in_running_guard(const void* address) const noexcept {
    return running_ != kNoThread && stacks_.in_guard_or_below(running_, address);
  }
  // Whether the watchdog found the running execution stuck where it is.
  bool watchdog_found_stuck() const noexcept { return watched_.found_stuck(); }
  // The message of an exception that reached std::terminate (before escape()).
  void set_escape_message(const char* what) { escape_message_ = what; }
  // Leaves the model code at `sp` for good (model_code_at(sp) must hold): a
  // thread's fiber is abandoned and the context that resumed it goes on; the
  // constructor, invariant or destructor is left by a jump back to where the
  // execution called it. The failure is recorded there, from `e`.
  [[noreturn]] void escape(const Escape& e, const void* sp) noexcept;

 private:
  struct ThreadState {
    // The suspended fiber; empty while running or after finishing.
    boost::context::fiber fiber;
    // Body of a thread started by spawn(); empty for the model's own threads.
    std::function<void()> spawned_body;
    // Threads blocked in join() on this one.
    ThreadSet joiners;
    // Set when the thread's fiber was abandoned (crash.h): `fiber` then holds
    // the context it was left in, which must never be resumed.
    bool abandoned = false;
    // Order of starting in this execution; teardown unwinds the latest first
    // (a spawned thread may use its parent's locals).
    uint32_t start_order = 0;
  };

  // Runs `f` on the main context (model constructor, invariant, destructor);
  // an exception escaping it becomes a failure. Returns whether f completed
  // (a crash in f does not return: escape() jumps back into run()).
  template <class F>
  bool on_main(const char* what, F&& f);
  // Fiber switches told to AddressSanitizer (fiber_sanitizer.h): about to
  // resume thread t; about to switch from thread t back to its resumer.
  void leave_for(ThreadId t);
  void leave_for_resumer(ThreadId t);
  // `after_step`: for a thread whose id is reused, the spawn step (its first
  // operation happens after it, see Operation::waker_step); -1 otherwise.
  void start_thread(ThreadId id, int32_t after_step = -1);
  // The middle of run(): starts the model's threads, runs them to the end,
  // checks the invariant.
  void run_threads_and_invariant();
  void thread_main(ThreadId id);
  // schedule_fields() once the caller's state is captured.
  void schedule_step(OpKind kind, const void* object, const char* name,
                     std::source_location location, bool can_run, const void* object2,
                     ThreadId joined, const ValueProbe* probe, bool plain);
  // At the scheduling point of thread `self`, runnable as far as its
  // operation goes: holds it if its pending operation repeats a spin
  // iteration (awaiting_) or follows a yield (yield_held_).
  void hold_if_spinning(ThreadId self, const Operation& op);
  // Spin bookkeeping for step `step` of thread `t` (begin_step): a read-like
  // step joins t's window; an effective one clears it, wakes the threads
  // awaiting a write to its objects, drops their stale window entries and
  // releases the threads held after a yield.
  void track_spins(ThreadId t, const Operation& op, uint32_t step);
  // Releases the threads held after a yield (another thread progressed at
  // step `step`), except `progressing`.
  void release_yielders(ThreadId progressing, uint32_t step);
  // Asks the strategy for the next thread; detects deadlock, livelock and the
  // step bound. kNoThread ends the execution.
  ThreadId choose_next();
  // Records the chosen thread's pending operation as the next step.
  void begin_step(ThreadId t, const Operation& op);
  // Switches from the running thread to the main context and never returns
  // (the fiber is unwound at teardown).
  [[noreturn]] void abandon_thread();
  // Keeps the first failure of the execution; false if it kept an earlier one.
  bool record_failure(FailureKind kind, std::string message, ThreadId thread,
                      std::source_location location = {});
  // Records a usage error (error()) and ends the execution.
  void record_error(std::string message);
  // After a resume that an escape() ended: records its failure.
  void take_escape();
  // No thread can run: a deadlock, or a livelock when some are held as spins.
  void fail_deadlock();
  // Fails the execution with the data race between the last step and the
  // earlier step `earlier`.
  [[noreturn]] void fail_data_race(size_t earlier);
  void teardown();

  static thread_local Execution* current_;

  // Bounds of every execution.
  ExecutionLimits limits_;
  // Stacks of the model threads, reused across executions and checks.
  StackPool& stacks_;
  // Per-thread state, indexed by ThreadId.
  std::array<ThreadState, kMaxThreads> threads_;
  // The operation each live thread performs when next chosen (strategies
  // see this array).
  std::array<Operation, kMaxThreads> pending_;
  // Thread ids used in this execution: 0..thread_count_-1 (an id is used
  // again once its thread has finished and been joined, see reusable_).
  int thread_count_ = 0;
  // resumed_by_[t]: whom thread t switches to when it gives up control: the
  // main context (kNoThread), or, until its first visible operation, the
  // thread that spawned it. Only AddressSanitizer's annotations need it.
  std::array<ThreadId, kMaxThreads> resumed_by_{};
  // The stack of the OS thread that runs executions: the main context's
  // (fiber_sanitizer.h; stays null without ASan).
  const void* main_stack_bottom_ = nullptr;
  size_t main_stack_size_ = 0;
  // Threads started so far (ThreadState::start_order).
  uint32_t starts_ = 0;
  // For each thread, the ids it may give a thread it spawns: threads that
  // finished before a join it performed (the joined one, and those the joined
  // one could reuse). So a reused id's old thread happens before the new one.
  std::array<ThreadSet, kMaxThreads> reusable_{};
  // The model and strategy of the current run().
  ModelRunner* model_ = nullptr;
  // model_->commuting_steps_first() for the current run().
  bool commuting_first_ = false;
  Strategy* strategy_ = nullptr;
  // Threads that have not finished.
  ThreadSet live_;
  // Live threads whose pending operation can be performed now.
  ThreadSet enabled_;
  // Threads that must never be unblocked again (abandoned on failure).
  ThreadSet blocked_forever_;
  // The thread whose fiber is executing; kNoThread on the main context.
  ThreadId running_ = kNoThread;
  // The thread that performed the last step (what the strategy calls current).
  ThreadId last_ = kNoThread;
  // The thread main resumes next; kNoThread ends the execution.
  ThreadId next_ = kNoThread;
  // True while a new thread runs up to its first visible operation: its
  // scheduling point returns to whoever started it without choosing.
  bool starting_ = false;
  // True once the strategy has pruned the execution: it is finished without
  // asking the strategy, and its failures are not reported.
  bool pruned_ = false;
  // True while the model's invariant runs.
  bool in_invariant_ = false;
  // True while the fibers of a failed execution are unwound.
  bool tearing_down_ = false;
  // The context to switch to when a model thread gives up the processor:
  // main, or the parent thread while a spawned thread starts.
  boost::context::fiber main_;
  // Steps performed, in order.
  std::vector<TraceStep> trace_;
  // The first failure, if any.
  std::optional<Failure> failure_;
  // The usage error that ended the run, if any (error()).
  std::string error_;

  // Crash isolation and the watchdog (crash.h, watchdog.h).
  // This OS thread's runs as the watchdog sees them.
  Watched& watched_;
  // What the last escape() recorded; `escaped_` until take_escape().
  Escape escape_;
  bool escaped_ = false;
  // The thread escape() left; kNoThread for the main context.
  ThreadId escape_thread_ = kNoThread;
  // The message of the exception behind a Cause::kTerminate escape.
  std::string escape_message_;
  // Where escape() jumps back to while the model's constructor, invariant or
  // destructor runs (`main_escape_armed_`), and which of them (`main_what_`).
  // A __builtin_setjmp buffer (five words, a few instructions to fill),
  // set once per run(); `main_stage_` says which stage of run() is next.
  void* main_escape_[5];
  bool main_escape_armed_ = false;
  const char* main_what_ = "";
  int main_stage_ = 0;
  // Whether this run's model instance was constructed / the run was stopped
  // (pruned, or threads left that cannot run). Members: they must survive
  // the jump back into run().
  bool created_ = false;
  bool stopped_ = false;
  // Happens-before of this execution, when limits_.detect_races.
  RaceDetector races_;

  // Spin detection (spin_window.h), when limits_.detect_spins.
  // The running thread's state at its call into schedule_fields().
  CallerState caller_;
  // Each thread's read-like steps since its last effective step, still current.
  std::array<SpinWindow, kMaxThreads> windows_;
  // Threads whose window is not empty (the ones an effective step looks at).
  ThreadSet with_window_;
  // Per thread, the call site of its pending operation, and (when
  // has_pending_state_ contains it) its fingerprint there, for the window
  // entry its step will make.
  std::array<const void*, kMaxThreads> pending_return_{};
  std::array<uint64_t, kMaxThreads> pending_state_{};
  ThreadSet has_pending_state_;
  // Threads held as spins, and the objects a write to any of which wakes
  // each (none: a loop that reads nothing, which nothing wakes).
  ThreadSet awaiting_;
  std::array<SpinWindow::Awaited, kMaxThreads> awaited_{};
  // Threads whose last step was a yield (held at their next scheduling
  // point), and threads held after a yield until another thread's effective
  // step.
  ThreadSet yielded_;
  ThreadSet yield_held_;
  // Per thread: the step (0-based) that woke it from a hold, until its next
  // step is recorded; -1 otherwise (SchedulingPoint::spin_waker).
  std::array<int32_t, kMaxThreads> spin_waker_;

  // Spurious wakeups and timeouts (woke_spuriously()).
  // Per thread: the fingerprint and call site of its latest wait (note_wait()).
  std::array<uint64_t, kMaxThreads> wait_state_{};
  std::array<const void*, kMaxThreads> wait_return_{};
  // Per thread: the wait step (0-based) it woke spuriously from, until its
  // next wait; -1 otherwise. Its state there is in spurious_state_/_return_.
  std::array<int32_t, kMaxThreads> spurious_step_;
  std::array<uint64_t, kMaxThreads> spurious_state_{};
  std::array<const void*, kMaxThreads> spurious_return_{};
};

}  // namespace interleave

// For debuggers: `(gdb) call interleave_where()` at a breakpoint in a model
// thread prints, on stderr, which thread is running, how many steps the
// execution has done (the trace's numbering: the thread's next visible
// operation is the next step) and the last step performed. Safe to call at
// any point; does nothing but print.
extern "C" void interleave_where();


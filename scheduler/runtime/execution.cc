#include "scheduler/runtime/execution.h"

#include <signal.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <exception>
#include <new>
#include <utility>

#include <boost/context/preallocated.hpp>
#include <fmt/format.h>

#include "scheduler/runtime/fiber_sanitizer.h"

namespace interleave {

namespace ctx = boost::context;

thread_local Execution* Execution::current_ = nullptr;

bool& checker_thread() {
  thread_local bool checker = false;
  return checker;
}

Execution::Execution(ExecutionLimits limits)
    : limits_(limits),
      stacks_(StackPool::for_this_thread(limits.stack_size)),
      watched_(Watched::for_this_thread()) {
  checker_thread() = true;
  crash::prepare_this_thread();
  fiber_sanitizer::this_thread_stack(&main_stack_bottom_, &main_stack_size_);
  trace_.reserve(256);
}

Execution::~Execution() = default;

namespace {

// Makes an Execution the current one for a scope, however the scope is left.
class CurrentExecution {
 public:
  CurrentExecution(Execution*& slot, Execution* ex) : slot_(slot), outer_(slot) { slot = ex; }
  ~CurrentExecution() { slot_ = outer_; }

 private:
  Execution*& slot_;
  Execution* outer_;
};

std::string what_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "exception of unknown type";
  }
}

// Drops a fiber handle without resuming it (~fiber would resume it to unwind
// it): the context it names is abandoned.
void forget(ctx::fiber&& f) {
  alignas(ctx::fiber) unsigned char sink[sizeof(ctx::fiber)];
  new (sink) ctx::fiber(std::move(f));
}

std::string short_location(const std::source_location& loc) {
  std::string_view file = loc.file_name();
  if (file.starts_with("./")) file.remove_prefix(2);
  return fmt::format("{}:{}", file, loc.line());
}

// What a fatal signal means, in words that do not depend on addresses.
std::string signal_detail(const Escape& e) {
  switch (e.signal) {
    case SIGSEGV:
    case SIGBUS:
      return e.address < 4096 ? "null pointer access" : "invalid memory access";
    case SIGFPE:
      if (e.code == FPE_INTDIV) return "integer division by zero";
      if (e.code == FPE_INTOVF) return "integer overflow";
      return "arithmetic error";
    case SIGABRT: return "abort(): a failed assert() or a call of std::abort";
    case SIGILL: return "illegal instruction (a trap or undefined behaviour)";
  }
  return "fatal signal";
}

}  // namespace

Outcome Execution::run(ModelRunner& model, Strategy& strategy) {
  model_ = &model;
  strategy_ = &strategy;
  commuting_first_ = model.commuting_steps_first();
  trace_.clear();
  failure_.reset();
  error_.clear();
  live_ = enabled_ = blocked_forever_ = ThreadSet();
  with_window_ = has_pending_state_ = awaiting_ = yielded_ = yield_held_ = ThreadSet();
  spin_waker_.fill(-1);
  spurious_step_.fill(-1);
  running_ = last_ = next_ = kNoThread;
  thread_count_ = 0;
  starts_ = 0;  // (reusable_[t] is cleared when thread t starts)
  pruned_ = false;
  if (limits_.detect_races) races_.begin_execution();
  CurrentExecution scope(current_, this);
  watched_.begin_run(limits_.watchdog_seconds);

  // The run goes through three stages; each advances main_stage_ before it
  // calls the model on the main context, so that an escape() from the
  // constructor, invariant or destructor, which jumps back here, goes on
  // with the next stage. (One __builtin_setjmp per run: it is on the fast path.)
  main_stage_ = 0;
  created_ = stopped_ = false;
  if (__builtin_setjmp(main_escape_) != 0) {
    in_invariant_ = false;
    take_escape();
  }
  if (main_stage_ == 0) {
    main_stage_ = 1;
    created_ = on_main("constructor", [&] { model.create(); });
  }
  if (main_stage_ == 1) {
    main_stage_ = 2;
    run_threads_and_invariant();
  }
  if (main_stage_ == 2) {
    main_stage_ = 3;
    teardown();
    if (created_) on_main("destructor", [&] { model.destroy(); });
  }
  watched_.end_run();
  strategy.end_execution();
  if (!error_.empty()) return Outcome::kStopped;
  if (failure_) return Outcome::kFailed;
  if (stopped_ || !strategy.error().empty()) return Outcome::kStopped;
  return Outcome::kPassed;
}

void Execution::run_threads_and_invariant() {
  ModelRunner& model = *model_;
  int n = created_ && !failure_ ? model.thread_count() : 0;
  if (n > kMaxThreads || n < 0) {
    record_error(fmt::format("too many threads: the model starts {}; the scheduler runs at most {} "
                             "at once",
                             n, kMaxThreads));
    n = 0;
  }
  // Each model thread runs up to its first visible operation, in thread order.
  for (ThreadId t = 0; t < n && !failure_ && error_.empty(); ++t) {
    ThreadId id = thread_count_++;
    threads_[id].spawned_body = nullptr;
    start_thread(id);
  }

  if (!failure_ && error_.empty()) {
    next_ = choose_next();
    while (next_ != kNoThread) {
      running_ = next_;
      ThreadState& t = threads_[running_];
      resumed_by_[running_] = kNoThread;
      leave_for(running_);
      t.fiber = std::move(t.fiber).resume();
      fiber_sanitizer::arrived();
      if (escaped_) [[unlikely]] take_escape();
    }
    running_ = kNoThread;
    stopped_ = pruned_ || (!failure_ && !live_.empty());
    if (!failure_ && !stopped_) {
      in_invariant_ = true;
      on_main("invariant", [&] { model.check_invariant(); });
      in_invariant_ = false;
    }
  }
}

template <class F>
bool Execution::on_main(const char* what, F&& f) {
  // Armed: escape() jumps back to run() (see main_stage_).
  main_what_ = what;
  main_escape_armed_ = true;
  try {
    f();
    main_escape_armed_ = false;
    return true;
  } catch (...) {
    main_escape_armed_ = false;
    record_failure(FailureKind::kException,
                   fmt::format("exception in the model's {}: {}", what,
                               what_of(std::current_exception())),
                   kNoThread);
    return false;
  }
}

void Execution::start_thread(ThreadId id, int32_t after_step) {
  ThreadState& t = threads_[id];
  t.joiners = ThreadSet();
  t.abandoned = false;
  t.start_order = starts_++;
  reusable_[id] = ThreadSet();
  pending_[id] = Operation{};
  pending_[id].waker_step = after_step;
  windows_[id].clear();
  spin_waker_[id] = -1;
  if (limits_.detect_races) races_.start_thread(id, running_);
  live_.insert(id);
  enabled_.insert(id);
  ctx::stack_context& stack = stacks_.stack(id);
  fiber_sanitizer::forget_frames(static_cast<const char*>(stack.sp) - stack.size, stack.size);
  if (limits_.detect_spins) stacks_.scrub(id);
  t.fiber = ctx::fiber(std::allocator_arg, ctx::preallocated(stack.sp, stack.size, stack),
                       PooledStackAllocator{}, [this, id](ctx::fiber&& starter) {
                         fiber_sanitizer::arrived();
                         main_ = std::move(starter);
                         thread_main(id);
                         leave_for_resumer(id);  // the fiber ends here
                         return std::move(main_);
                       });
  // Run the new thread up to its first visible operation. Called from a model
  // thread (spawn), `main_` holds the main context meanwhile.
  ctx::fiber saved_main = std::move(main_);
  ThreadId parent = std::exchange(running_, id);
  bool was_starting = std::exchange(starting_, true);
  resumed_by_[id] = parent;
  leave_for(id);
  t.fiber = std::move(t.fiber).resume();
  fiber_sanitizer::arrived();
  starting_ = was_starting;
  running_ = parent;
  main_ = std::move(saved_main);
  if (escaped_) [[unlikely]] take_escape();
}

void Execution::thread_main(ThreadId id) {
  try {
    if (threads_[id].spawned_body) {
      threads_[id].spawned_body();
    } else {
      model_->run_thread(id);
    }
  } catch (const FiberTeardown&) {
    // Unwound by teardown(): the fiber ends here.
  } catch (const ctx::detail::forced_unwind&) {
    throw;  // a fiber destroyed while suspended: let Boost.Context unwind it
  } catch (...) {
    fail(FailureKind::kException,
         fmt::format("exception in T{}: {}", id, what_of(std::current_exception())), {});
  }
  if (tearing_down_) return;
  // Its plain accesses since its last step (instrumented code) happen
  // before a join of it, like its steps.
  if (limits_.detect_races) races_.advance(id, static_cast<uint32_t>(trace_.size()));
  live_.erase(id);
  enabled_.erase(id);
  unblock(threads_[id].joiners);
  with_window_.erase(id);
  if (!trace_.empty()) release_yielders(id, static_cast<uint32_t>(trace_.size() - 1));
  if (!starting_) next_ = choose_next();
}

// Reads the register saves of its own prologue: not instrumented.
INTERLEAVE_NO_SANITIZE_ADDRESS
void Execution::schedule_fields(OpKind kind, const void* object, const char* name,
                                std::source_location location, bool can_run,
                                const void* object2, ThreadId joined,
                                const ValueProbe* probe, bool plain) {
#if defined(__x86_64__)
  // The caller's state. An empty asm that clobbers the callee-saved
  // registers makes the prologue save all five (rbx, r12-r15) right under
  // the saved frame pointer, before any use: those slots hold the caller's
  // values (checked in the disassembly at -O0 and -O2; LookThrice in
  // tests/spin_wait_test.cc fails if a loop counter kept in one were lost).
  asm volatile("" ::: "rbx", "r12", "r13", "r14", "r15");
  const char* frame = static_cast<const char*>(__builtin_frame_address(0));
  const auto* saved = reinterpret_cast<const uint64_t*>(frame);
  for (int i = 0; i < 5; ++i) caller_.registers[i] = saved[i - 5];
  caller_.registers[5] = saved[0];  // the caller's rbp
  caller_.stack = frame + 2 * sizeof(void*);  // above the saved rbp and the return address
  caller_.return_address = __builtin_return_address(0);
#else
  caller_.stack = nullptr;  // no capture here: nothing is held as a spin
  caller_.return_address = nullptr;
#endif
  schedule_step(kind, object, name, location, can_run, object2, joined, probe, plain);
}

void Execution::yield(std::source_location location) {
  schedule(Operation{OpKind::kYield, nullptr, "", location});
}

void Execution::schedule_step(OpKind kind, const void* object, const char* name,
                              std::source_location location, bool can_run,
                              const void* object2, ThreadId joined,
                              const ValueProbe* probe, bool plain) {
  if (tearing_down_) return;
  ThreadId self = running_;
  Operation& pending = pending_[self];
  pending.kind = kind;
  pending.object = object;
  pending.name = name;
  pending.location = location;
  pending.object2 = object2;
  pending.joined = joined;
  pending.probe = probe;
  pending.plain = plain;
  if (!can_run) {
    enabled_.erase(self);
  } else if (limits_.detect_spins) {
    hold_if_spinning(self, pending);
  }
  if (!starting_) {
    ThreadId next = choose_next();
    if (next == self) {
      begin_step(self, pending);
      return;
    }
    next_ = next;
  }
  leave_for_resumer(self);
  main_ = std::move(main_).resume();
  fiber_sanitizer::arrived();
  // Chosen by the main context: perform the pending operation, which another
  // thread may have changed meanwhile (a notify turns a wait into a relock).
  begin_step(self, pending_[self]);
}

bool Execution::note_wait(const void* condition, const CallerState& model) {
  if (tearing_down_ || model.stack == nullptr) return false;
  const ThreadId self = running_;
  wait_state_[self] = fingerprint(model, stacks_.stack(self).sp);
  wait_return_[self] = model.return_address;
  stacks_.note_hashed(self, model.stack);
  const int32_t woke = spurious_step_[self];
  if (woke < 0) return false;
  spurious_step_[self] = -1;
  const Operation& woke_op = trace_[woke].op;  // the wait (spurious) or the relock (timeout)
  if (pruned_ || (woke_op.object != condition && woke_op.object2 != condition) ||
      spurious_state_[self] != wait_state_[self] || spurious_return_[self] != wait_return_[self]) {
    return false;
  }
  for (size_t i = static_cast<size_t>(woke) + 1; i < trace_.size(); ++i) {
    const OpKind k = trace_[i].op.kind;
    if (trace_[i].thread == self && k != OpKind::kLoad && k != OpKind::kYield) return false;
  }
  // Back at the same wait in the same state. After a timeout: the caller
  // holds the thread until another one progresses (hold_after_wait()).
  if (woke_op.kind == OpKind::kLock) return true;
  // After a spurious wakeup: this execution goes on as the one where the
  // thread slept at its first wait.
  pruned_ = true;
  return false;
}

void Execution::hold_after_wait() {
  if (!tearing_down_) yielded_.insert(running_);
}

void Execution::woke_spuriously() {
  const ThreadId self = running_;
  if (tearing_down_ || pruned_ || wait_return_[self] == nullptr) return;
  spurious_step_[self] = static_cast<int32_t>(trace_.size()) - 1;
  spurious_state_[self] = wait_state_[self];
  spurious_return_[self] = wait_return_[self];
}

int Execution::choose(int alternatives) {
  if (alternatives <= 1 || tearing_down_ || pruned_ || trace_.empty()) return 0;
  TraceStep& step = trace_.back();
  const int taken = strategy_->choose(ChoicePoint{step.thread, trace_.size() - 1, alternatives});
  if (taken < 0 || taken >= alternatives) {
    // The strategy ends the execution: it finishes quietly, as pruned, and
    // the strategy's error (a schedule that does not fit) says why, if any.
    pruned_ = true;
    return 0;
  }
  step.alternatives = static_cast<uint8_t>(alternatives);
  step.alternative = static_cast<uint8_t>(taken);
  return taken;
}

ThreadId Execution::choose_next() {
  if (failure_ || !error_.empty()) return kNoThread;
  if (enabled_.empty() && !yield_held_.empty()) {
    // Threads held after a yield wait for others' progress; with nobody
    // else to run they go on (and a loop of theirs that reads only unchanged
    // values is soon held as a spin).
    unblock(yield_held_);
    yield_held_ = ThreadSet();
  }
  if (enabled_.empty()) {
    if (!live_.empty() && !pruned_) fail_deadlock();
    return kNoThread;
  }
  if (trace_.size() >= limits_.max_steps) {
    record_failure(FailureKind::kStepBound,
                   fmt::format("possible livelock: the execution did not finish within {} steps "
                               "(--max-steps)",
                               limits_.max_steps),
                   last_);
    return kNoThread;
  }
  if (!pruned_) {
    ThreadSet runnable = enabled_;
    if (commuting_first_) {
      // A step that commutes with everything goes first, alone on offer
      // (ModelRunner::commuting_steps_first): the running thread's if it has
      // one, else the lowest such thread's.
      auto commutes = [this](ThreadId t) {
        const Operation& op = pending_[t];
        return op.kind == OpKind::kSpawn || (op.kind == OpKind::kJoin && !live_.contains(op.joined));
      };
      ThreadId first = enabled_.contains(last_) && commutes(last_) ? last_ : kNoThread;
      for (ThreadId t = enabled_.lowest(); first == kNoThread && t != kNoThread;
           t = enabled_.next_after(t)) {
        if (commutes(t)) first = t;
      }
      if (first != kNoThread) {
        runnable = ThreadSet();
        runnable.insert(first);
      }
    }
    ThreadId t = strategy_->pick(
        SchedulingPoint{runnable, last_, live_, pending_.data(), spin_waker_.data()});
    if (t >= 0 && t < kMaxThreads && runnable.contains(t)) return t;
    if (!strategy_->error().empty()) return kNoThread;
    // Pruned: finish the execution quietly rather than unwind every fiber
    // (unwinding costs far more than running a few more steps).
    pruned_ = true;
  }
  return enabled_.contains(last_) ? last_ : enabled_.lowest();
}

void Execution::begin_step(ThreadId t, const Operation& op) {
  last_ = t;
  watched_.step();
  // Built in place: copying a TraceStep temporary made on the stack reloads
  // it with wider loads than it was stored with (a store-forwarding stall).
  TraceStep& step = trace_.emplace_back();
  step.thread = t;
  step.op = op;
  if (limits_.detect_spins) track_spins(t, op, static_cast<uint32_t>(trace_.size() - 1));
  if (limits_.detect_races) {
    const bool acquires = op.kind == OpKind::kTryLock &&
                          static_cast<const LockState*>(op.object)->owner == kNoThread;
    const int64_t earlier =
        races_.on_step(t, op, static_cast<uint32_t>(trace_.size() - 1), acquires);
    if (earlier >= 0 && !pruned_) [[unlikely]] fail_data_race(static_cast<size_t>(earlier));
  }
}

namespace {

// Whether `op`, about to run now in thread `self`, changes no shared state:
// read_like() (spin_window.h), or a try_lock of a mutex another thread
// holds, which fails.
bool changes_nothing(const Operation& op, ThreadId self) {
  if (op.kind == OpKind::kTryLock) {
    const ThreadId owner = static_cast<const LockState*>(op.object)->owner;
    return owner != kNoThread && owner != self;
  }
  return read_like(op);
}

}  // namespace

void Execution::hold_if_spinning(ThreadId self, const Operation& op) {
  pending_return_[self] = caller_.return_address;
  has_pending_state_.erase(self);
  const SpinWindow& window = windows_[self];
  if (!window.empty() && caller_.stack != nullptr && changes_nothing(op, self)) {
    const int i = window.find(op.kind, op.object, caller_.return_address);
    if (i >= 0) {
      // A repetition: where was the thread one iteration ago?
      const uint64_t state = fingerprint(caller_, stacks_.stack(self).sp);
      stacks_.note_hashed(self, caller_.stack);
      const SpinWindow::Awaited awaited = window.objects_read(i, op.object);
      if (window[i].has_state && window[i].state == state && awaited.count >= 0) {
        // Back in the same state, every value it read still current: held.
        for (int j = i; j < window.size(); ++j) trace_[window[j].step].spin = true;
        enabled_.erase(self);
        awaiting_.insert(self);
        awaited_[self] = awaited;
        yielded_.erase(self);
        return;
      }
      pending_state_[self] = state;
      has_pending_state_.insert(self);
    }
  }
  if (yielded_.contains(self)) {
    yielded_.erase(self);
    enabled_.erase(self);
    yield_held_.insert(self);
  }
}

void Execution::track_spins(ThreadId t, const Operation& op, uint32_t step) {
  spin_waker_[t] = -1;
  if (changes_nothing(op, t)) {
    windows_[t].push(SpinWindow::Entry{op.object, pending_return_[t], step, op.kind,
                                       has_pending_state_.contains(t), pending_state_[t]});
    with_window_.insert(t);
    if (op.kind == OpKind::kYield) yielded_.insert(t);
    return;
  }
  windows_[t].clear();
  with_window_.erase(t);
  release_yielders(t, step);
  for (const void* object : {op.object, op.object2}) {
    if (object == nullptr) continue;
    ThreadSet others = with_window_;
    others.erase(t);
    for (ThreadId u = others.lowest(); u != kNoThread; u = others.next_after(u)) {
      if (windows_[u].drop_through(object) && windows_[u].empty()) with_window_.erase(u);
    }
    for (ThreadId u = awaiting_.lowest(); u != kNoThread; u = awaiting_.next_after(u)) {
      if (u == t || !awaited_[u].contains(object)) continue;
      awaiting_.erase(u);
      spin_waker_[u] = static_cast<int32_t>(step);
      ThreadSet woken;
      woken.insert(u);
      unblock(woken);
    }
  }
}

void Execution::release_yielders(ThreadId progressing, uint32_t step) {
  ThreadSet released = yield_held_;
  released.erase(progressing);
  if (released.empty()) return;
  yield_held_.erase_all(released);
  for (ThreadId u = released.lowest(); u != kNoThread; u = released.next_after(u)) {
    spin_waker_[u] = static_cast<int32_t>(step);
  }
  unblock(released);
}

void Execution::abandon_thread() {
  blocked_forever_.insert(running_);
  enabled_.erase(running_);
  next_ = kNoThread;
  leave_for_resumer(running_);
  main_ = std::move(main_).resume();
  // Only reached if resumed, which an abandoned thread never is.
  std::terminate();
}

void Execution::fail(FailureKind kind, std::string message, std::source_location location) {
  if (tearing_down_) return;
  record_failure(kind, std::move(message), running_, location);
  if (in_thread() && kind != FailureKind::kException) abandon_thread();
}

bool Execution::record_failure(FailureKind kind, std::string message, ThreadId thread,
                               std::source_location location) {
  if (failure_ || pruned_) return false;  // a pruned execution's outcome is not reported
  failure_.emplace();
  failure_->kind = kind;
  failure_->message = std::move(message);
  failure_->thread = thread;
  failure_->location = location;
  failure_->step = trace_.size();
  return true;
}

void Execution::record_error(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  next_ = kNoThread;
}

// Runs in a signal handler, on its own stack, and leaves by a jump: not
// instrumented (ASan's bookkeeping for calls that do not return would take
// the signal stack for the thread's).
INTERLEAVE_NO_SANITIZE_ADDRESS
void Execution::escape(const Escape& e, const void* sp) noexcept {
  escape_ = e;
  escaped_ = true;
  if (running_ == kNoThread || (sp != nullptr && !stacks_.contains(running_, sp) &&
                                 !stacks_.in_guard_or_below(running_, sp))) {
    // The model's constructor, invariant or destructor: back into run().
    escape_thread_ = kNoThread;
    main_escape_armed_ = false;
    fiber_sanitizer::forget_frames(main_stack_bottom_, main_stack_size_);
    __builtin_longjmp(main_escape_, 1);
  }
  // A model thread: abandon its fiber, and go on where it was resumed from.
  escape_thread_ = running_;
  threads_[running_].abandoned = true;
  blocked_forever_.insert(running_);
  enabled_.erase(running_);
  next_ = kNoThread;
  leave_for_resumer(escape_thread_);
  main_ = std::move(main_).resume();
  std::abort();  // an abandoned fiber is never resumed
}

void Execution::take_escape() {
  escaped_ = false;
  if (tearing_down_) return;  // teardown abandons quietly: the outcome is decided
  const Escape& e = escape_;
  const ThreadId t = escape_thread_;
  const std::string who = t != kNoThread ? fmt::format("T{}", t)
                                         : fmt::format("the model's {}", main_what_);
  FailureKind kind = FailureKind::kCrash;
  std::string message;
  switch (e.cause) {
    case Escape::Cause::kSignal: {
      std::string detail;
      if (e.stack_overflow) {
        message = fmt::format("crash: stack overflow in {} at step {} ({} frames deep when its "
                              "{}-byte stack ran out; --stack-size BYTES sets it)",
                              who, trace_.size(), e.frames, stacks_.stack_size());
        break;
      }
      detail = signal_detail(e);
      // The thread's own last step, if the last step is its.
      if (t != kNoThread && !trace_.empty() && trace_.back().thread == t) {
        const Operation& op = trace_.back().op;
        detail += fmt::format(", after {} {}", op_name(op.kind), op.name);
        if (op.location.line() != 0) detail += " at " + short_location(op.location);
      }
      message = fmt::format("crash: {} in {} at step {} ({})", crash::signal_name(e.signal), who,
                            trace_.size(), detail);
      break;
    }
    case Escape::Cause::kStuck:
      kind = FailureKind::kStuck;
      message = fmt::format("stuck: {} ran {:g} s without a visible operation (a spin on a "
                            "non-model variable, or a blocking call the scheduler cannot see?)",
                            who, watched_.limit_seconds());
      break;
    case Escape::Cause::kTerminate:
      kind = FailureKind::kException;
      message = fmt::format("exception in {}: {} (thrown through a noexcept function, such as a "
                            "destructor)",
                            who, escape_message_);
      break;
    case Escape::Cause::kNone: return;
  }
  if (record_failure(kind, std::move(message), t)) {
    failure_->signal = e.cause == Escape::Cause::kSignal ? e.signal : 0;
    failure_->fault_pc = e.cause == Escape::Cause::kSignal ? e.pc : 0;
  }
}

void Execution::fail_deadlock() {
  ThreadSet held = awaiting_;
  held.insert_all(yield_held_);
  held.erase_all(blocked_forever_);
  const bool livelock = (held.bits() & live_.bits()) != 0;
  std::string message = livelock ? "livelock: every thread spins waiting for a write no other "
                                   "thread will make:"
                                 : "deadlock:";
  std::vector<TraceStep> blocked;
  bool first = true;
  for (ThreadId t = live_.lowest(); t != kNoThread; t = live_.next_after(t)) {
    const Operation& op = pending_[t];
    blocked.push_back(TraceStep{t, op});
    message += first ? " " : ", ";
    first = false;
    if (awaiting_.contains(t)) {
      message += fmt::format("T{} spins on {} {}", t, op_name(op.kind), op.name);
      if (op.location.line() != 0) message += " at " + short_location(op.location);
    } else if (yield_held_.contains(t)) {
      message += fmt::format("T{} yields", t);
      if (op.location.line() != 0) message += " before " + short_location(op.location);
    } else if (op.kind == OpKind::kLock) {
      const auto* lock = static_cast<const LockState*>(op.object);
      message += fmt::format("T{} waits to lock {}", t, op.name);
      if (lock->owner != kNoThread) message += fmt::format(" (held by T{})", lock->owner);
    } else if (op.kind == OpKind::kWait) {
      message += fmt::format("T{} waits on {} (never notified)", t, op.name);
    } else if (op.kind == OpKind::kJoin) {
      message += fmt::format("T{} waits to join {}", t, op.name);
    } else {
      message += fmt::format("T{} waits at {} {}", t, op_name(op.kind), op.name);
    }
  }
  if (!record_failure(livelock ? FailureKind::kLivelock : FailureKind::kDeadlock,
                      std::move(message), kNoThread)) {
    return;
  }
  failure_->blocked = std::move(blocked);
}

void Execution::fail_data_race(size_t earlier) {
  const TraceStep& first = trace_[earlier];
  const TraceStep& second = trace_.back();
  auto access = [](const TraceStep& s) { return s.op.kind == OpKind::kStore ? "wrote" : "read"; };
  auto where = [](const TraceStep& s) {
    std::string_view file = s.op.location.file_name();
    if (file.starts_with("./")) file.remove_prefix(2);
    return fmt::format("{}:{}", file, s.op.location.line());
  };
  std::string message = fmt::format(
      "data race on {}: T{} {} at {} (step {}), T{} {} at {} (step {}), neither ordered before "
      "the other",
      second.op.name, first.thread, access(first), where(first), earlier + 1, second.thread,
      access(second), where(second), trace_.size());
  TraceStep racing = first;
  record_failure(FailureKind::kDataRace, std::move(message), second.thread, second.op.location);
  if (failure_ && failure_->kind == FailureKind::kDataRace) {
    failure_->racing_step = static_cast<long>(earlier);
    failure_->racing_access = racing;
  }
  abandon_thread();
}

ThreadId Execution::spawn(std::function<void()> body, std::source_location location) {
  if (tearing_down_) return kNoThread;
  schedule(Operation{OpKind::kSpawn, nullptr, "thread", location});
  // The lowest id this thread may reuse, else a new one.
  const ThreadId self = running_;
  ThreadId id = reusable_[self].lowest();
  int32_t after_step = -1;
  if (id != kNoThread) {
    for (ThreadSet& ids : reusable_) ids.erase(id);
    after_step = static_cast<int32_t>(trace_.size()) - 1;  // this spawn
  } else if (thread_count_ < kMaxThreads) {
    id = thread_count_++;
  } else {
    record_error(fmt::format("too many threads: T{} starts a thread while {} are alive or not yet "
                             "joined by it; the scheduler runs at most {} at once",
                             self, kMaxThreads, kMaxThreads));
    abandon_thread();
  }
  record_written(id);
  threads_[id].spawned_body = std::move(body);
  start_thread(id, after_step);
  if (failure_ || !error_.empty()) abandon_thread();
  return id;
}

void Execution::join(ThreadId t, std::source_location location) {
  static constexpr const char* kThreadNames[] = {
      "T0",  "T1",  "T2",  "T3",  "T4",  "T5",  "T6",  "T7",  "T8",  "T9",  "T10", "T11",
      "T12", "T13", "T14", "T15", "T16", "T17", "T18", "T19", "T20", "T21", "T22", "T23",
      "T24", "T25", "T26", "T27", "T28", "T29", "T30", "T31", "T32", "T33", "T34", "T35"};
  static_assert(std::size(kThreadNames) == kMaxThreads);
  bool finished = !live_.contains(t);
  if (!finished) threads_[t].joiners.insert(running_);
  schedule(Operation{OpKind::kJoin, &threads_[t], kThreadNames[t], location, nullptr, t}, finished);
  if (tearing_down_) return;
  // Joined: t's id, and those t could reuse, are free for this thread's spawns.
  reusable_[running_].insert(t);
  reusable_[running_].insert_all(reusable_[t]);
}

// Both are empty without ASan: no stack lookup on the switch path.
void Execution::leave_for([[maybe_unused]] ThreadId t) {
#if defined(INTERLEAVE_ASAN)
  const ctx::stack_context& stack = stacks_.stack(t);
  fiber_sanitizer::leaving(static_cast<const char*>(stack.sp) - stack.size, stack.size);
#endif
}

void Execution::leave_for_resumer([[maybe_unused]] ThreadId t) {
#if defined(INTERLEAVE_ASAN)
  const ThreadId resumer = resumed_by_[t];
  if (resumer == kNoThread) {
    fiber_sanitizer::leaving(main_stack_bottom_, main_stack_size_);
  } else {
    leave_for(resumer);
  }
#endif
}

void Execution::teardown() {
  tearing_down_ = true;
  // The suspended threads, latest started first. (A finished thread's body
  // goes now; a suspended one's after its fiber, which may still use it.)
  std::array<ThreadId, kMaxThreads> order;
  int count = 0;
  for (ThreadId t = 0; t < thread_count_; ++t) {
    if (threads_[t].fiber) {
      order[count++] = t;
    } else {
      threads_[t].spawned_body = nullptr;
    }
  }
  if (count > 1) {
    std::sort(order.begin(), order.begin() + count, [&](ThreadId a, ThreadId b) {
      return threads_[a].start_order > threads_[b].start_order;
    });
  }
  for (int i = 0; i < count; ++i) {
    ThreadState& t = threads_[order[i]];
    if (!t.abandoned) {
      // Unwind from the suspension point: destructors run, and their visible
      // operations have no effect while tearing down. An unwind that reaches
      // a noexcept frame, or that crashes, comes back abandoned (escape()).
      running_ = order[i];
      resumed_by_[running_] = kNoThread;
      leave_for(running_);
      t.fiber = std::move(t.fiber).resume_with([this](ctx::fiber&& caller) -> ctx::fiber {
        fiber_sanitizer::arrived();
        main_ = std::move(caller);
        throw FiberTeardown{};
      });
      fiber_sanitizer::arrived();
      running_ = kNoThread;
      if (escaped_) take_escape();
    }
    if (t.fiber) forget(std::move(t.fiber));
    t.abandoned = false;
    t.spawned_body = nullptr;
  }
  tearing_down_ = false;
  main_ = ctx::fiber();
}

// Reads the model's frames whole, AddressSanitizer's redzones between its
// locals included: not instrumented.
INTERLEAVE_NO_SANITIZE_ADDRESS
uint64_t fingerprint(const CallerState& state, const void* top) {
  // FNV-style mixing of 64-bit words with a final avalanche (splitmix64).
  uint64_t h = 0x9e3779b97f4a7c15ull;
  auto mix = [&h](uint64_t word) {
    h ^= word;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
  };
  for (uint64_t r : state.registers) mix(r);
  mix(reinterpret_cast<uintptr_t>(state.return_address));
  const char* end = static_cast<const char*>(top);
  for (const char* p = state.stack; p + sizeof(uint64_t) <= end; p += sizeof(uint64_t)) {
    mix(*reinterpret_cast<const uint64_t*>(p));  // 8-aligned, as frame addresses are
  }
  h ^= h >> 31;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 32);
}

std::string_view op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kLoad: return "load";
    case OpKind::kStore: return "store";
    case OpKind::kExchange: return "exchange";
    case OpKind::kCompareExchange: return "cas";
    case OpKind::kFetchAdd: return "fetch_add";
    case OpKind::kLock: return "lock";
    case OpKind::kTryLock: return "try_lock";
    case OpKind::kUnlock: return "unlock";
    case OpKind::kSpawn: return "spawn";
    case OpKind::kJoin: return "join";
    case OpKind::kWait: return "wait";
    case OpKind::kNotify: return "notify";
    case OpKind::kNotifyAll: return "notify_all";
    case OpKind::kYield: return "yield";
    case OpKind::kFutexWait: return "futex_wait";
  }
  return "?";
}

std::string_view failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kCheck: return "check failed";
    case FailureKind::kInvariant: return "invariant failed";
    case FailureKind::kDeadlock: return "deadlock";
    case FailureKind::kLivelock: return "livelock";
    case FailureKind::kStepBound: return "possible livelock";
    case FailureKind::kException: return "exception";
    case FailureKind::kCrash: return "crash";
    case FailureKind::kStuck: return "stuck";
    case FailureKind::kDataRace: return "data race";
  }
  return "?";
}

bool Failure::same_as(const Failure& other) const {
  if (kind != other.kind || thread != other.thread) return false;
  // A crash's and a stuck thread's messages name the step, which another
  // schedule of the same bug changes.
  if (kind == FailureKind::kCrash) return signal == other.signal && fault_pc == other.fault_pc;
  if (kind == FailureKind::kStuck) return true;
  if (kind == FailureKind::kDataRace) {
    // The steps differ between schedules of the same race.
    const Operation& a = racing_access.op;
    const Operation& b = other.racing_access.op;
    return location.line() == other.location.line() &&
           racing_access.thread == other.racing_access.thread && a.kind == b.kind &&
           std::string_view(a.name) == b.name && a.location.line() == b.location.line();
  }
  return message == other.message && location.line() == other.location.line();
}

}  // namespace interleave

// A debugger's view of the running execution (declared in execution.h). It
// reads the execution and writes stderr, nothing else: calling it from gdb
// at a breakpoint in a model thread leaves the schedule as it was.
extern "C" void interleave_where() {
  using interleave::Execution;
  using interleave::TraceStep;
  const Execution* ex = Execution::current();
  if (ex == nullptr) {
    std::fputs("interleave: no execution is running on this OS thread\n", stderr);
    return;
  }
  auto done = [&] {
    return fmt::format("{} step{} done in all", ex->steps(), ex->steps() == 1 ? "" : "s");
  };
  auto describe = [&](size_t index) {
    const TraceStep& step = ex->trace()[index];
    return fmt::format("\n  step {}  T{}  {} {}  {}:{}", index + 1, step.thread,
                       interleave::op_name(step.op.kind),
                       step.op.name != nullptr ? step.op.name : "", step.op.location.file_name(),
                       step.op.location.line());
  };
  std::string line;
  if (ex->in_thread()) {
    // A running thread has performed its last step and runs model code up
    // to its next visible operation, which becomes its next step in the
    // trace once the scheduler lets it go on.
    interleave::ThreadId t = ex->running_thread();
    size_t own = ex->steps();
    while (own > 0 && ex->trace()[own - 1].thread != t) --own;
    if (own == 0) {
      line = fmt::format("interleave: T{} is running, before its first step ({})", t, done());
    } else {
      line = fmt::format("interleave: T{} is running, after its step {} ({}); its next visible "
                         "operation will be its next step in the trace",
                         t, own, done());
      line += describe(own - 1);
    }
  } else {
    line = fmt::format("interleave: no model thread is running ({})", done());
    if (ex->steps() > 0) line += describe(ex->steps() - 1);
  }
  line += '\n';
  std::fputs(line.c_str(), stderr);
}

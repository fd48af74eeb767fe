#include "scheduler/execution.h"

#include <exception>
#include <utility>

#include <boost/context/preallocated.hpp>
#include <fmt/format.h>

namespace interleave {

namespace ctx = boost::context;

thread_local Execution* Execution::current_ = nullptr;

Execution::Execution(ExecutionLimits limits)
    : limits_(limits), stacks_(StackPool::for_this_thread(limits.stack_size)) {
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

}  // namespace

Outcome Execution::run(ModelRunner& model, Strategy& strategy) {
  model_ = &model;
  strategy_ = &strategy;
  trace_.clear();
  failure_.reset();
  live_ = enabled_ = blocked_forever_ = ThreadSet();
  running_ = last_ = next_ = kNoThread;
  thread_count_ = 0;
  pruned_ = false;
  if (limits_.detect_races) races_.begin_execution();
  CurrentExecution scope(current_, this);

  bool created = on_main("constructor", [&] { model.create(); });
  int n = created && !failure_ ? model.thread_count() : 0;
  if (n > kMaxThreads || n < 0) {
    record_failure(FailureKind::kCheck,
                   fmt::format("the model starts {} threads; the scheduler runs at most {}", n,
                               kMaxThreads),
                   kNoThread);
    n = 0;
  }
  // Each model thread runs up to its first visible operation, in thread order.
  for (ThreadId t = 0; t < n && !failure_; ++t) {
    ThreadId id = thread_count_++;
    threads_[id].spawned_body = nullptr;
    start_thread(id);
  }

  bool stopped = false;
  if (!failure_) {
    next_ = choose_next();
    while (next_ != kNoThread) {
      running_ = next_;
      ThreadState& t = threads_[running_];
      t.fiber = std::move(t.fiber).resume();
    }
    running_ = kNoThread;
    stopped = pruned_ || (!failure_ && !live_.empty());
    if (!failure_ && !stopped) {
      in_invariant_ = true;
      on_main("invariant", [&] { model.check_invariant(); });
      in_invariant_ = false;
    }
  }
  teardown();
  if (created) on_main("destructor", [&] { model.destroy(); });
  strategy.end_execution();
  if (failure_) return Outcome::kFailed;
  if (stopped || !strategy.error().empty()) return Outcome::kStopped;
  return Outcome::kPassed;
}

template <class F>
bool Execution::on_main(const char* what, F&& f) {
  try {
    f();
    return true;
  } catch (...) {
    record_failure(FailureKind::kException,
                   fmt::format("exception in the model's {}: {}", what,
                               what_of(std::current_exception())),
                   kNoThread);
    return false;
  }
}

void Execution::start_thread(ThreadId id) {
  ThreadState& t = threads_[id];
  t.joiners = ThreadSet();
  pending_[id] = Operation{};
  if (limits_.detect_races) races_.start_thread(id, running_);
  live_.insert(id);
  enabled_.insert(id);
  ctx::stack_context& stack = stacks_.stack(id);
  t.fiber = ctx::fiber(std::allocator_arg, ctx::preallocated(stack.sp, stack.size, stack),
                       PooledStackAllocator{}, [this, id](ctx::fiber&& starter) {
                         main_ = std::move(starter);
                         thread_main(id);
                         return std::move(main_);
                       });
  // Run the new thread up to its first visible operation. Called from a model
  // thread (spawn), `main_` holds the main context meanwhile.
  ctx::fiber saved_main = std::move(main_);
  ThreadId parent = std::exchange(running_, id);
  bool was_starting = std::exchange(starting_, true);
  t.fiber = std::move(t.fiber).resume();
  starting_ = was_starting;
  running_ = parent;
  main_ = std::move(saved_main);
}

void Execution::thread_main(ThreadId id) {
  try {
    if (threads_[id].spawned_body) {
      threads_[id].spawned_body();
    } else {
      model_->run_thread(id);
    }
  } catch (const ctx::detail::forced_unwind&) {
    throw;  // teardown of an abandoned fiber: let Boost.Context unwind it
  } catch (...) {
    fail(FailureKind::kException,
         fmt::format("exception in T{}: {}", id, what_of(std::current_exception())), {});
  }
  live_.erase(id);
  enabled_.erase(id);
  unblock(threads_[id].joiners);
  if (!starting_) next_ = choose_next();
}

void Execution::schedule_fields(OpKind kind, const void* object, const char* name,
                                std::source_location location, bool can_run,
                                const void* object2, ThreadId joined, bool plain) {
  if (tearing_down_) return;
  ThreadId self = running_;
  Operation& pending = pending_[self];
  pending.kind = kind;
  pending.object = object;
  pending.name = name;
  pending.location = location;
  pending.object2 = object2;
  pending.joined = joined;
  pending.plain = plain;
  if (!can_run) enabled_.erase(self);
  if (!starting_) {
    ThreadId next = choose_next();
    if (next == self) {
      begin_step(self, pending);
      return;
    }
    next_ = next;
  }
  main_ = std::move(main_).resume();
  // Chosen by the main context: perform the pending operation, which another
  // thread may have changed meanwhile (a notify turns a wait into a relock).
  begin_step(self, pending_[self]);
}

ThreadId Execution::choose_next() {
  if (failure_) return kNoThread;
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
    ThreadId t = strategy_->pick(SchedulingPoint{enabled_, last_, live_, pending_.data()});
    if (t >= 0 && t < kMaxThreads && enabled_.contains(t)) return t;
    if (!strategy_->error().empty()) return kNoThread;
    // Pruned: finish the execution quietly rather than unwind every fiber
    // (unwinding costs far more than running a few more steps).
    pruned_ = true;
  }
  return enabled_.contains(last_) ? last_ : enabled_.lowest();
}

void Execution::begin_step(ThreadId t, const Operation& op) {
  last_ = t;
  // Built in place: copying a TraceStep temporary made on the stack reloads
  // it with wider loads than it was stored with (a store-forwarding stall).
  TraceStep& step = trace_.emplace_back();
  step.thread = t;
  step.op = op;
  if (limits_.detect_races) {
    const bool acquires = op.kind == OpKind::kTryLock &&
                          static_cast<const LockState*>(op.object)->owner == kNoThread;
    const int64_t earlier =
        races_.on_step(t, op, static_cast<uint32_t>(trace_.size() - 1), acquires);
    if (earlier >= 0 && !pruned_) [[unlikely]] fail_data_race(static_cast<size_t>(earlier));
  }
}

void Execution::abandon_thread() {
  blocked_forever_.insert(running_);
  enabled_.erase(running_);
  next_ = kNoThread;
  main_ = std::move(main_).resume();
  // Only reached if resumed, which an abandoned thread never is.
  std::terminate();
}

void Execution::fail(FailureKind kind, std::string message, std::source_location location) {
  if (tearing_down_) return;
  record_failure(kind, std::move(message), running_, location);
  if (in_thread() && kind != FailureKind::kException) abandon_thread();
}

void Execution::record_failure(FailureKind kind, std::string message, ThreadId thread,
                               std::source_location location) {
  if (failure_ || pruned_) return;  // a pruned execution's outcome is not reported
  failure_.emplace();
  failure_->kind = kind;
  failure_->message = std::move(message);
  failure_->thread = thread;
  failure_->location = location;
  failure_->step = trace_.size();
}

void Execution::fail_deadlock() {
  std::string message = "deadlock:";
  std::vector<TraceStep> blocked;
  bool first = true;
  for (ThreadId t = live_.lowest(); t != kNoThread; t = live_.next_after(t)) {
    const Operation& op = pending_[t];
    blocked.push_back(TraceStep{t, op});
    message += first ? " " : ", ";
    first = false;
    if (op.kind == OpKind::kLock) {
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
  record_failure(FailureKind::kDeadlock, std::move(message), kNoThread);
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
  schedule(Operation{OpKind::kSpawn, nullptr, "thread", location});
  if (thread_count_ >= kMaxThreads) {
    fail(FailureKind::kCheck, fmt::format("too many threads: at most {}", kMaxThreads), location);
  }
  ThreadId id = thread_count_++;
  record_written(id);
  threads_[id].spawned_body = std::move(body);
  start_thread(id);
  if (failure_) abandon_thread();
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
}

void Execution::teardown() {
  tearing_down_ = true;
  for (ThreadId t = 0; t < thread_count_; ++t) {
    // Destroying a suspended fiber unwinds its stack (destructors run, and
    // their visible operations have no effect while tearing down).
    threads_[t].fiber = ctx::fiber();
    threads_[t].spawned_body = nullptr;
  }
  tearing_down_ = false;
  main_ = ctx::fiber();
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
  }
  return "?";
}

std::string_view failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kCheck: return "check failed";
    case FailureKind::kInvariant: return "invariant failed";
    case FailureKind::kDeadlock: return "deadlock";
    case FailureKind::kStepBound: return "possible livelock";
    case FailureKind::kException: return "exception";
    case FailureKind::kDataRace: return "data race";
  }
  return "?";
}

bool Failure::same_as(const Failure& other) const {
  if (kind == FailureKind::kDataRace && other.kind == FailureKind::kDataRace) {
    // The steps differ between schedules of the same race.
    const Operation& a = racing_access.op;
    const Operation& b = other.racing_access.op;
    return thread == other.thread && location.line() == other.location.line() &&
           racing_access.thread == other.racing_access.thread && a.kind == b.kind &&
           std::string_view(a.name) == b.name && a.location.line() == b.location.line();
  }
  return kind == other.kind && message == other.message && thread == other.thread &&
         location.line() == other.location.line();
}

}  // namespace interleave

// The fuzz target over replaying schedules: a schedule built from the input
// (or the input's text itself) is replayed by Registry::replay, the function
// `interleave replay` runs, against a fixed set of models: the built-in ones,
// the misbehaving ones of tests/bad_models.h (null dereference, abort(),
// stack overflow, throwing destructors, a spin on a plain variable and a
// blocked std::mutex, which the watchdog ends, 37 threads alive) and a
// spin-wait on an atomic flag (held by the spin detector). Part of
// fuzz/fuzzer.cc (INTERLEAVE_FUZZ_TARGET=replay); tools/fuzz.sh runs it.
//
// Input: the first byte's low bit picks the form.
//   0: built. Byte 1 picks a model (kModels); then one byte per model
//      parameter (a value from its minimum to one above its default, 0xff:
//      one past its maximum); every further byte is one choice, the thread
//      of one step (byte % 6 below 0xf0, so that most choices name a thread
//      the model has; byte % 36 above).
//   1: text. The rest of the input is the schedule string.
// The replay runs with --max-steps 2000 and a 0.25 s watchdog.
//
// Contract, besides no crash, no hang and no sanitizer report: the replay
// ends in exactly one of
//   - an error: one line, no control character;
//   - a pass: the report's verdict is PASS, and the schedule it replayed is
//     the one given (in its canonical string form);
//   - a bug: the report's verdict is FAIL, its `replay:` line holds the
//     schedule given and the limits it ran with, and replaying that schedule
//     again fails in the same way with the same FAIL line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/contract.h"
#include "fuzz/targets.h"
#include "models/builtin.h"
#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"
#include "scheduler/reports/report.h"
#include "scheduler/runtime/escape.h"
#include "scheduler/strategies/schedule.h"
#include "tests/bad_models.h"

namespace interleave::fuzz {

namespace {

// T1 waits in a spin on an atomic flag for T0's data. Broken: T0 raises the
// flag before it writes the data, so T1 can read the old value.
template <bool Broken>
struct SpinHandoff {
  static ModelSpec spec() {
    return {Broken ? "fuzz.spin_handoff_broken" : "fuzz.spin_handoff",
            "T1 spins on an atomic flag until T0 publishes its data",
            {},
            /*buggy=*/Broken};
  }
  explicit SpinHandoff(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      if (Broken) flag.store(1);
      data.store(1);
      if (!Broken) flag.store(1);
    } else {
      while (flag.load() == 0) {
      }
      check(data.load() == 1, "T1 saw the flag but not the data");
    }
  }
  void invariant() {}
  atomic<int> data{"data", 0};
  atomic<int> flag{"flag", 0};
};

// The built-in models, the bad ones and the spin handoffs.
const Registry& fuzz_registry() {
  static const Registry registry = [] {
    Registry r = models::builtin();
    r.add<bad_models::NullDeref>();
    r.add<bad_models::Abort>();
    r.add<bad_models::DeepRecursion>();
    r.add<bad_models::BigFrame>();
    r.add<bad_models::ThrowingDestructorModel<bad_models::ThrowsFromDestructor>>();
    r.add<bad_models::ThrowingDestructorModel<bad_models::ThrowsFromNoexceptDestructor>>();
    r.add<bad_models::FailWhileInLockGuard>();
    r.add<bad_models::FailWhileInDestructor>();
    r.add<bad_models::FailWhileInWait>();
    r.add<bad_models::SpinOnPlainVariable>();
    r.add<bad_models::BlockOnStdMutex>();
    r.add<bad_models::SpawnInLoop>();
    r.add<bad_models::ThirtySevenAlive>();
    r.add<bad_models::CrashInInvariant>();
    r.add<bad_models::CrashAtStart>();
    r.add<bad_models::SpawnedChildCrashes>();
    r.add<SpinHandoff<false>>();
    r.add<SpinHandoff<true>>();
    return r;
  }();
  return registry;
}

ExecutionLimits replay_limits() {
  ExecutionLimits limits;
  limits.max_steps = 2000;
  limits.watchdog_seconds = 0.25;
  return limits;
}

CheckOptions report_options() {
  CheckOptions options;
  options.limits = replay_limits();
  options.replay_command = "interleave replay";
  return options;
}

// What the report's `replay:` line has after the quoted schedule.
constexpr std::string_view kReplayOptions = " --max-steps 2000 --watchdog 0.25";

// The schedule built from the bytes (form 0).
std::string built_schedule(const uint8_t* data, size_t size) {
  const auto& models = fuzz_registry().models();
  size_t at = 0;
  const RegisteredModel& model = models[size > 0 ? data[at++] % models.size() : 0];
  Schedule schedule;
  schedule.model = model.spec.name;
  for (const ParamSpec& p : model.spec.params) {
    const uint8_t byte = at < size ? data[at++] : 0;
    int64_t value;
    if (byte == 0xff) {
      value = p.max + 1;
    } else {
      const int64_t highest = std::min<int64_t>(p.max, p.default_value + 1);
      value = p.min + byte % (highest - p.min + 1);
    }
    schedule.params.emplace_back(p.key, value);
  }
  for (; at < size; ++at) {
    const uint8_t byte = data[at];
    if (byte >= 0xe0 && byte < 0xf0 && !schedule.choices.empty()) {
      // An outcome for the step before (a notify_one's waiter, a spurious
      // wakeup; docs/condition_variables.md), often one its operation lacks.
      schedule.alternatives.resize(schedule.choices.size(), 0);
      schedule.alternatives.back() = static_cast<uint8_t>(1 + byte % 3);
      continue;
    }
    schedule.choices.push_back(static_cast<ThreadId>(byte < 0xf0 ? byte % 6 : byte % 36));
  }
  return schedule.to_string();
}

void replay_and_check(std::string_view text) {
  const Registry& registry = fuzz_registry();
  auto result = registry.replay(text, replay_limits());
  if (!result) {
    require_one_line(result.error());
    return;
  }
  // A replay that runs replays exactly the schedule given.
  auto given = Schedule::parse(text);
  require(given.ok());
  const std::string schedule = result->schedule.to_string();
  require(schedule == given->to_string());

  const std::string report = format_replay(*result, report_options());
  const std::string fail_line = line_starting(report, "FAIL ");
  const std::string pass_line = line_starting(report, "PASS ");
  const std::string replay_line = line_starting(report, "replay: ");
  require(replay_line == "replay: interleave replay '" + schedule + "'" +
                             std::string(kReplayOptions));
  if (!result->failure) {
    require(result->outcome == Outcome::kPassed && fail_line.empty() && !pass_line.empty());
    return;
  }
  require(result->outcome == Outcome::kFailed && !fail_line.empty() && pass_line.empty());
  // The bug replays from its printed schedule.
  auto again = registry.replay(schedule, replay_limits());
  require(again.ok());
  require(again->outcome == Outcome::kFailed && again->failure.has_value());
  require(again->failure->same_as(*result->failure));
  require(line_starting(format_replay(*again, report_options()), "FAIL ") == fail_line);
}

}  // namespace

void fuzz_replay(const uint8_t* data, size_t size) {
  if (size == 0) return;
  if (data[0] & 1) {
    replay_and_check(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  } else {
    replay_and_check(built_schedule(data + 1, size - 1));
  }
}

}  // namespace interleave::fuzz

// The native engine: the same models on real std::threads.
#include <string>

#include <catch2/catch.hpp>

#include "models/counter.h"
#include "native/engine.h"
#include "scheduler/api/interleave.h"

namespace {

using namespace interleave;
using Catch::Matchers::Contains;

template <Model M>
NativeResult run(std::vector<std::pair<std::string, int64_t>> values, NativeOptions options) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  return run_native_model<M>(*params, options);
}

// T1 waits for a flag that nobody sets: natively it blocks forever.
struct NeverNotified {
  static ModelSpec spec() { return {"test.never_notified", "waits forever", {}}; }
  explicit NeverNotified(const Params&) {}
  int thread_count() const { return 2; }
  mutex lock{"lock"};
  condition_variable cv{"cv"};
  shared<bool> flag{"flag", false};
  void thread(int index) {
    if (index == 0) return;
    unique_lock held(lock);
    cv.wait(held, [&] { return flag.load(); });
  }
  void invariant() {}
};

// Every trial fails its invariant.
struct AlwaysWrong {
  static ModelSpec spec() { return {"test.always_wrong", "invariant never holds", {}}; }
  explicit AlwaysWrong(const Params&) {}
  int thread_count() const { return 1; }
  shared<int> x{"x", 0};
  void thread(int) { x.store(1); }
  void invariant() { check(x.load() == 2, "x == {}, expected 2", x.load()); }
};

// A thread body that throws.
struct Throws {
  static ModelSpec spec() { return {"test.throws", "a thread throws", {}}; }
  explicit Throws(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 1) throw std::runtime_error("boom");
  }
  void invariant() {}
};

}  // namespace

TEST_CASE("native: correct counters never fail over many trials") {
  NativeOptions options;
  options.trials = 200;
  for (auto r : {run<models::CounterLocked>({{"threads", 2}, {"iters", 2000}}, options),
                 run<models::CounterAtomic>({{"threads", 3}, {"iters", 2000}}, options),
                 run<models::CounterPartitioned>({{"threads", 4}, {"iters", 2000}}, options)}) {
    INFO(format_native(r));
    CHECK(r.trials == 200);
    CHECK(r.failing_trials == 0);
    CHECK(r.hang.empty());
    CHECK_FALSE(r.found_bug());
  }
}

TEST_CASE("native: the racy counter loses updates at high iteration counts") {
  // Two threads of a million increments each, released together: on two
  // cores they overlap for milliseconds; time-sliced on one they still switch
  // mid-loop in some of the 20 trials.
  NativeOptions options;
  options.trials = 20;
  NativeResult r = run<models::CounterRacy>({{"threads", 2}, {"iters", 1'000'000}}, options);
  INFO(format_native(r));
  REQUIRE(r.failing_trials >= 1);
  CHECK(r.trials == 20);
  CHECK_THAT(r.first_failure, Contains("lost update: 2000000 increments, counter == "));
}

TEST_CASE("native: a failed invariant is counted per trial with its message") {
  NativeOptions options;
  options.trials = 25;
  NativeResult r = run<AlwaysWrong>({}, options);
  INFO(format_native(r));
  CHECK(r.trials == 25);
  CHECK(r.failing_trials == 25);
  CHECK(r.first_failing_trial == 1);
  CHECK_THAT(r.first_failure, Contains("x == 1, expected 2"));
  CHECK_THAT(format_native(r), Contains("FAIL 25 of 25 trials broke the model"));
}

TEST_CASE("native: an exception in a thread body is a failure, not a crash") {
  NativeOptions options;
  options.trials = 10;
  NativeResult r = run<Throws>({}, options);
  CHECK(r.failing_trials == 10);
  CHECK_THAT(r.first_failure, Contains("boom"));
  CHECK_THAT(r.first_failure, Contains("T1"));
}

TEST_CASE("native: a trial that never finishes is reported by the watchdog, not hung on") {
  NativeOptions options;
  options.trials = 100;
  options.trial_timeout_seconds = 0.3;
  NativeResult r = run<NeverNotified>({}, options);
  INFO(format_native(r));
  CHECK(r.trials == 0);
  CHECK_THAT(r.hang, Contains("trial 1 did not finish within 0.3 s: T1 still running"));
  CHECK(r.found_bug());
  CHECK_THAT(format_native(r), Contains("FAIL trial 1 did not finish"));
}

TEST_CASE("native: a time budget stops the run") {
  NativeOptions options;
  options.trials = 0;
  options.seconds = 0.2;
  NativeResult r = run<models::CounterAtomic>({{"threads", 2}, {"iters", 10}}, options);
  CHECK(r.trials > 0);
  CHECK(r.failing_trials == 0);
  CHECK(r.seconds >= 0.2);
}

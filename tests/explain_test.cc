// explain(): context switches and the key conflicting accesses of a failure.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/builtin.h"
#include "scheduler/explain.h"
#include "scheduler/report.h"

using namespace interleave;

namespace {

FoundFailure find_failure(const std::string& name, std::vector<std::pair<std::string, int64_t>> values) {
  auto model = models::builtin().find(name);
  REQUIRE(model.ok());
  auto params = Params::make(name, (*model)->spec.params, values);
  REQUIRE(params.ok());
  auto runner = (*model)->make_runner(*params);
  CheckOptions options;
  options.strategy = "dfs";
  CheckResult r = check((*model)->spec, *params, *runner, options);
  INFO(format_check(r, options));
  REQUIRE(r.first_failure);
  return *r.first_failure;
}

std::vector<size_t> switches(const Explanation& e) {
  std::vector<size_t> out;
  for (size_t i = 0; i < e.marks.size(); ++i) {
    if (e.marks[i].context_switch) out.push_back(i + 1);
  }
  return out;
}

}  // namespace

TEST_CASE("counter.racy 2x1: both loads and both stores are key, two switches", "[explain]") {
  FoundFailure f = find_failure("counter.racy", {{"threads", 2}, {"iters", 1}});
  REQUIRE(f.trace.size() == 4);
  Explanation e = explain(f.trace, &f.failure);
  INFO(e.summary);
  CHECK(e.key_steps == std::vector<size_t>{1, 2, 3, 4});
  // Steps 1 and 2 are the loads that read the same value; 3 and 4 the stores.
  CHECK(f.trace[0].read == f.trace[1].read);
  CHECK(switches(e) == std::vector<size_t>{2, 4});
  CHECK(e.summary ==
        "lost update on counter: T0 read 0 (step 1), T1 read 0 (step 2), T1 wrote 1 (step 3), "
        "then T0 wrote 1 (step 4) over it");
  std::string text = format_failure_trace(f.trace, f.failure);
  CHECK_THAT(text, Catch::Contains("models/counter.h:37  -> *"));
  CHECK_THAT(text, Catch::Contains("why: lost update on counter"));
}

TEST_CASE("list.check_then_pop: the check, the other thread's pop and the stale pop", "[explain]") {
  FoundFailure f = find_failure("list.check_then_pop", {});
  Explanation e = explain(f.trace, &f.failure);
  INFO(format_failure_trace(f.trace, f.failure));
  REQUIRE(e.key_steps.size() == 4);
  const TraceStep& check = f.trace[e.key_steps[0] - 1];
  const TraceStep& other_read = f.trace[e.key_steps[1] - 1];
  const TraceStep& other_write = f.trace[e.key_steps[2] - 1];
  const TraceStep& again = f.trace[e.key_steps[3] - 1];
  CHECK(check.thread == f.failure.thread);
  CHECK(check.op.kind == OpKind::kLoad);
  CHECK(other_read.thread != check.thread);
  CHECK(other_read.op.kind == OpKind::kLoad);
  CHECK(other_read.read == check.read);  // both saw the same size
  CHECK(other_write.thread == other_read.thread);
  CHECK(other_write.op.kind == OpKind::kStore);
  CHECK(again.thread == check.thread);
  CHECK(again.read != check.read);
  for (size_t k : e.key_steps) CHECK(std::string(f.trace[k - 1].op.name) == "size");
  CHECK_THAT(e.summary, Catch::StartsWith("stale check on size: T0 read 1"));
}

TEST_CASE("a passing trace has switches but no key steps", "[explain]") {
  FoundFailure f = find_failure("counter.racy", {{"threads", 2}, {"iters", 1}});
  Explanation e = explain(f.trace, nullptr);
  CHECK(e.key_steps.empty());
  CHECK(e.summary.empty());
  CHECK(switches(e) == std::vector<size_t>{2, 4});
  CHECK(explain({}, nullptr).marks.empty());
}

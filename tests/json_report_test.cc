// check_json(): the versioned JSON shape of docs/json.md round-trips: written,
// parsed back, every field equals the CheckResult's.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "models/builtin.h"
#include "scheduler/reports/explain.h"
#include "scheduler/reports/json_report.h"
#include "scheduler/reports/report.h"

using namespace interleave;
using json = nlohmann::ordered_json;

namespace {

CheckResult run(const std::string& name, std::vector<std::pair<std::string, int64_t>> values,
                const CheckOptions& options) {
  auto model = models::builtin().find(name);
  REQUIRE(model.ok());
  auto params = Params::make(name, (*model)->spec.params, values);
  REQUIRE(params.ok());
  auto runner = (*model)->make_runner(*params);
  return check((*model)->spec, *params, *runner, options);
}

void check_common(const json& j, const CheckResult& r) {
  CHECK(j.at("format") == "interleave.check");
  CHECK(j.at("version") == 2);
  CHECK(j.at("model") == r.model);
  CHECK(j.at("strategy") == r.strategy);
  CHECK(j.at("executions").get<uint64_t>() == r.executions);
  CHECK(j.at("failing_executions").get<uint64_t>() == r.failing_executions);
  CHECK(j.at("pruned_executions").get<uint64_t>() == r.pruned_executions);
  CHECK(j.at("total_steps").get<uint64_t>() == r.total_steps);
  CHECK(j.at("seconds").get<double>() == r.seconds);
  CHECK(j.at("exhaustive").get<bool>() == r.exhaustive);
  CHECK(j.at("coverage") == r.coverage);
  CHECK(j.at("budget") == r.budget);
  // "threads=2 iters=1" is the params object in order.
  std::string described;
  for (const auto& [name, value] : j.at("params").items()) {
    described += (described.empty() ? "" : " ") + name + "=" + std::to_string(value.get<int64_t>());
  }
  CHECK(described == r.params.describe());
}

}  // namespace

TEST_CASE("a failing check round-trips through JSON", "[json]") {
  // The lost update itself (with race detection the data race comes first).
  CheckOptions options;
  options.limits.detect_races = false;
  CheckResult r = run("counter.racy", {{"threads", 2}, {"iters", 1}}, options);
  REQUIRE(r.first_failure);
  const FoundFailure& f = *r.first_failure;
  json j = json::parse(check_json(r, options));
  check_common(j, r);
  CHECK(j.at("verdict") == "bug");
  CHECK(j.at("error").is_null());
  const json& jf = j.at("failure");
  CHECK(jf.at("kind") == std::string(failure_kind_name(f.failure.kind)));
  CHECK(jf.at("message") == f.failure.message);
  CHECK(jf.at("thread").is_null());  // an invariant: no thread
  CHECK(jf.at("location").at("file") == "models/counter.h");
  CHECK(jf.at("location").at("line").get<unsigned>() == f.failure.location.line());
  CHECK(jf.at("schedule") == f.schedule.to_string());
  CHECK(jf.at("schedule") == "counter.racy:t2,i1:v1:0110");
  CHECK(jf.at("replay") == replay_command(f.schedule, options));
  CHECK(jf.at("replay").get<std::string>().ends_with(" --no-race-detection"));
  CHECK(j.at("race_detection") == false);
  CHECK(jf.at("racing_step").is_null());
  CHECK(jf.at("execution").get<uint64_t>() == f.execution);
  CHECK(jf.at("preemptions").get<int>() == f.preemptions);
  Explanation e = explain(f.trace, &f.failure);
  CHECK(jf.at("explanation") == e.summary);
  CHECK(jf.at("key_steps").get<std::vector<size_t>>() == e.key_steps);
  const json& trace = jf.at("trace");
  REQUIRE(trace.size() == f.trace.size());
  for (size_t i = 0; i < f.trace.size(); ++i) {
    const TraceStep& s = f.trace[i];
    const json& js = trace[i];
    CHECK(js.at("step").get<size_t>() == i + 1);
    CHECK(js.at("thread").get<int>() == s.thread);
    CHECK(js.at("operation") == std::string(op_name(s.op.kind)));
    CHECK(js.at("object") == std::string(s.op.name));
    CHECK(js.at("read").is_null() == !s.has_read);
    if (s.has_read) CHECK(js.at("read").get<int64_t>() == s.read);
    CHECK(js.at("written").is_null() == !s.has_written);
    if (s.has_written) CHECK(js.at("written").get<int64_t>() == s.written);
    CHECK(std::string(s.op.location.file_name()).ends_with(js.at("file").get<std::string>()));
    CHECK(js.at("line").get<unsigned>() == s.op.location.line());
    CHECK(js.at("switch").get<bool>() == e.marks[i].context_switch);
    CHECK(js.at("key").get<bool>() == e.marks[i].key);
  }
  CHECK(jf.at("blocked").empty());
}

TEST_CASE("a data race in JSON: its kind, both steps, and the key steps", "[json]") {
  CheckOptions options;
  CheckResult r = run("counter.racy", {{"threads", 2}, {"iters", 1}}, options);
  REQUIRE(r.first_failure);
  const FoundFailure& f = *r.first_failure;
  json j = json::parse(check_json(r, options));
  check_common(j, r);
  CHECK(j.at("race_detection") == true);
  const json& jf = j.at("failure");
  CHECK(jf.at("kind") == "data race");
  CHECK(jf.at("message") == f.failure.message);
  // T0 loads and stores, then T1's load races with T0's store.
  CHECK(jf.at("schedule") == "counter.racy:t2,i1:v1:001");
  CHECK(jf.at("replay") == "bazel run //:interleave -- replay 'counter.racy:t2,i1:v1:001'");
  CHECK(jf.at("thread") == 1);
  CHECK(jf.at("racing_step") == 2);
  CHECK(jf.at("key_steps").get<std::vector<size_t>>() == std::vector<size_t>{2, 3});
  CHECK(jf.at("trace").size() == 3);
}

TEST_CASE("a passing check round-trips through JSON", "[json]") {
  CheckOptions options;
  CheckResult r = run("counter.locked", {{"threads", 2}, {"iters", 1}}, options);
  REQUIRE_FALSE(r.first_failure);
  json j = json::parse(check_json(r, options));
  check_common(j, r);
  CHECK(j.at("verdict") == "pass");
  CHECK(j.at("failure").is_null());
  CHECK(j.at("seed").is_null());
}

TEST_CASE("a budget that stops an exhaustive strategy is verdict incomplete", "[json]") {
  // counter.locked 3x2 has 90 DFS executions; 10 cover a part of them.
  CheckOptions options;
  options.strategy = "dfs";
  options.max_executions = 10;
  CheckResult r = run("counter.locked", {{"threads", 3}, {"iters", 2}}, options);
  REQUIRE_FALSE(r.first_failure);
  CHECK(r.executions == 10);
  json j = json::parse(check_json(r, options));
  check_common(j, r);
  CHECK(j.at("verdict") == "incomplete");
  CHECK(j.at("limit") == "--executions 10");
  CHECK(j.at("raise_limit") == "raise --executions, or drop it");
  CHECK(j.at("exhaustive") == false);
}

TEST_CASE("random with its own budget covered what was asked: verdict pass", "[json]") {
  CheckOptions options;
  options.strategy = "random";
  options.max_executions = 20;
  CheckResult r = run("counter.locked", {{"threads", 2}, {"iters", 1}}, options);
  json j = json::parse(check_json(r, options));
  check_common(j, r);
  CHECK(j.at("verdict") == "pass");
  CHECK(j.at("budget") == "--executions 20");
  CHECK(j.at("limit").is_null());
  CHECK(j.at("raise_limit").is_null());
}

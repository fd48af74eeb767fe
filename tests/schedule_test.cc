// Schedule strings: to_string / parse, their errors, and the errors of
// Registry::replay for schedules that do not fit a model.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/builtin.h"
#include "scheduler/api/registry.h"
#include "scheduler/strategies/schedule.h"

namespace {

using namespace interleave;
using Catch::Contains;

Schedule make(std::string model, std::vector<std::pair<std::string, int64_t>> params,
              std::vector<ThreadId> choices) {
  Schedule s;
  s.model = std::move(model);
  s.params = std::move(params);
  s.choices = std::move(choices);
  return s;
}

std::vector<ThreadId> repeat(ThreadId t, size_t n) { return std::vector<ThreadId>(n, t); }

std::vector<ThreadId> concat(std::vector<std::vector<ThreadId>> parts) {
  std::vector<ThreadId> out;
  for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string parse_error(const std::string& text) {
  auto parsed = Schedule::parse(text);
  REQUIRE_FALSE(parsed.ok());
  // One line.
  CHECK(parsed.error().find('\n') == std::string::npos);
  CHECK_FALSE(parsed.error().empty());
  return parsed.error();
}

// These schedules are counter.racy's lost-update interleavings: replayed
// without race detection, which would stop them at their first race.
interleave::ExecutionLimits without_race_detection() {
  interleave::ExecutionLimits limits;
  limits.detect_races = false;
  return limits;
}

std::string replay_error(const std::string& text) {
  auto replayed = models::builtin().replay(text, without_race_detection());
  REQUIRE_FALSE(replayed.ok());
  CHECK(replayed.error().find('\n') == std::string::npos);
  CHECK_FALSE(replayed.error().empty());
  return replayed.error();
}

}  // namespace

TEST_CASE("to_string: model, params, version, one digit per step", "[schedule]") {
  CHECK(make("counter.racy", {{"t", 2}, {"i", 1}}, {0, 1, 1, 0}).to_string() ==
        "counter.racy:t2,i1:v1:0110");
  CHECK(make("m", {}, {}).to_string() == "m::v1:");
  CHECK(make("m", {{"t", 12}}, {}).to_string() == "m:t12:v1:");
  // Base 36 digits: 10 is 'a', 35 is 'z'.
  CHECK(make("m", {}, {9, 10, 11, 35}).to_string() == "m::v1:9abz");
}

TEST_CASE("to_string: runs of five or more are written with a count", "[schedule]") {
  CHECK(make("m", {}, repeat(0, 4)).to_string() == "m::v1:0000");
  CHECK(make("m", {}, repeat(0, 5)).to_string() == "m::v1:0{5}");
  CHECK(make("m", {}, repeat(0, 12)).to_string() == "m::v1:0{12}");
  CHECK(make("m", {}, repeat(35, 100)).to_string() == "m::v1:z{100}");
  CHECK(make("m", {}, concat({repeat(0, 12), {1}, repeat(2, 4), repeat(0, 5)})).to_string() ==
        "m::v1:0{12}122220{5}");
  CHECK(make("m", {}, concat({{1}, repeat(0, 6), {1}})).to_string() == "m::v1:10{6}1");
}

TEST_CASE("parse reads what to_string writes", "[schedule]") {
  const std::vector<Schedule> schedules = {
      make("counter.racy", {{"t", 2}, {"i", 1}}, {0, 1, 1, 0}),
      make("counter.locked", {{"t", 3}, {"i", 1000}}, concat({repeat(0, 12), {1, 2}, repeat(2, 7)})),
      make("m", {}, {}),
      make("a_b-c.D9", {{"x", 0}, {"long", 123456789}}, {35, 10, 0, 9}),
      make("m", {{"t", 36}}, concat({repeat(35, 5), repeat(34, 4), repeat(0, 10000)})),
  };
  for (const Schedule& s : schedules) {
    std::string text = s.to_string();
    CAPTURE(text);
    auto parsed = Schedule::parse(text);
    REQUIRE(parsed.ok());
    CHECK(parsed->model == s.model);
    CHECK(parsed->params == s.params);
    CHECK(parsed->choices == s.choices);
    CHECK(parsed->to_string() == text);
  }
}

TEST_CASE("outcomes: written after a slash, never inside a run, and read back", "[schedule]") {
  Schedule s = make("m", {}, concat({repeat(0, 6), {1, 1}, repeat(2, 5)}));
  s.alternatives = {0, 0, 0, 0, 0, 0, 0, 2};  // step 8 (T1) took outcome 2
  CHECK(s.to_string() == "m::v1:0{6}11/22{5}");
  s.alternatives = {0, 0, 1};  // inside the run of T0: it splits there
  CHECK(s.to_string() == "m::v1:000/1000112{5}");
  s.alternatives.assign(13, 0);
  s.alternatives[12] = 35;
  CHECK(s.to_string() == "m::v1:0{6}1122222/z");
  for (const char* text : {"m::v1:0{6}11/22{5}", "m::v1:000/1000112{5}", "m::v1:0{6}1122222/z"}) {
    CAPTURE(text);
    auto parsed = Schedule::parse(text);
    REQUIRE(parsed.ok());
    CHECK(parsed->choices.size() == 13);
    CHECK(parsed->to_string() == text);
  }
  // A slash needs one digit 1-z after it, and follows a single step.
  CHECK_THAT(Schedule::parse("m::v1:01/").error(), Contains("bad outcome after '1/'"));
  CHECK_THAT(Schedule::parse("m::v1:01/0").error(), Contains("bad outcome after '1/'"));
  CHECK_THAT(Schedule::parse("m::v1:01/!").error(), Contains("bad outcome after '1/'"));
  CHECK_THAT(Schedule::parse("m::v1:0{5}/1").error(), Contains("is not a thread digit"));
}

TEST_CASE("parse expands counts and tolerates quotes and whitespace", "[schedule]") {
  auto p = Schedule::parse("m:t2:v1:0{12}1");
  REQUIRE(p.ok());
  CHECK(p->choices == concat({repeat(0, 12), {1}}));

  // A count below five is accepted too, and a count of one.
  auto small = Schedule::parse("m:t2:v1:1{3}0{1}");
  REQUIRE(small.ok());
  CHECK(small->choices == std::vector<ThreadId>{1, 1, 1, 0});

  auto quoted = Schedule::parse("'counter.racy:t2,i1:v1:0110'\n");
  REQUIRE(quoted.ok());
  CHECK(quoted->to_string() == "counter.racy:t2,i1:v1:0110");
  auto spaced = Schedule::parse("  \"counter.racy:t2,i1:v1:0110\" ");
  REQUIRE(spaced.ok());
  CHECK(spaced->choices == std::vector<ThreadId>{0, 1, 1, 0});
}

TEST_CASE("parse errors: wrong number of fields", "[schedule][errors]") {
  CHECK_THAT(parse_error("counter.racy:t2,i1:0110"),
             Contains("expected MODEL:PARAMS:vVERSION:CHOICES"));
  CHECK_THAT(parse_error("counter.racy:t2,i1:v1:01:10"),
             Contains("expected MODEL:PARAMS:vVERSION:CHOICES"));
  CHECK_THAT(parse_error("counter.racy"), Contains("malformed schedule"));
  CHECK_THAT(parse_error(""), Contains("malformed schedule"));
}

TEST_CASE("parse errors: empty or bad model name", "[schedule][errors]") {
  CHECK_THAT(parse_error(":t2,i1:v1:0110"), Contains("model name is empty"));
  CHECK_THAT(parse_error("counter racy:t2,i1:v1:0110"), Contains("model name"));
  CHECK_THAT(parse_error("counter/racy:t2,i1:v1:0110"), Contains("'/'"));
}

TEST_CASE("parse errors: version", "[schedule][errors]") {
  std::string v2 = parse_error("counter.racy:t2,i1:v2:0110");
  CHECK_THAT(v2, Contains("v2"));
  CHECK_THAT(v2, Contains("v1"));
  CHECK_THAT(parse_error("counter.racy:t2,i1:v0:0110"), Contains("v1"));
  CHECK_THAT(parse_error("counter.racy:t2,i1:1:0110"), Contains("version"));
  CHECK_THAT(parse_error("counter.racy:t2,i1:v:0110"), Contains("version"));
  CHECK_THAT(parse_error("counter.racy:t2,i1:vx:0110"), Contains("version"));
  CHECK_THAT(parse_error("counter.racy:t2,i1::0110"), Contains("version"));
}

TEST_CASE("parse errors: choices that are not thread digits", "[schedule][errors]") {
  std::string z = parse_error("counter.racy:t2,i1:v1:01Z0");
  CHECK_THAT(z, Contains("'Z'"));
  CHECK_THAT(z, Contains("position 2"));
  CHECK_THAT(parse_error("counter.racy:t2,i1:v1:0-1"), Contains("'-'"));
  CHECK_THAT(parse_error("counter.racy:t2,i1:v1:{3}"), Contains("'{'"));
}

TEST_CASE("parse errors: bad repeat counts", "[schedule][errors]") {
  for (const char* text : {"m:t2:v1:0{}", "m:t2:v1:0{0}", "m:t2:v1:0{x}", "m:t2:v1:0{3",
                           "m:t2:v1:0{-3}", "m:t2:v1:0{+3}", "m:t2:v1:0{3 }"}) {
    CAPTURE(text);
    CHECK_THAT(parse_error(text), Contains("bad repeat count"));
  }
  CHECK_THAT(parse_error("m:t2:v1:0{99999999}"), Contains("10,000,000"));
  CHECK_THAT(parse_error("m:t2:v1:0{3}{2}"), Contains("'{'"));
}

TEST_CASE("parse errors: parameters that are not KEY followed by a number", "[schedule][errors]") {
  for (const char* text : {"counter.racy:t,i1:v1:0110", "counter.racy:t2,i:v1:0110",
                           "counter.racy:2,i1:v1:0110", "counter.racy:t2,,i1:v1:0110",
                           "counter.racy:t2x:v1:0110", "counter.racy:t:v1:0110"}) {
    CAPTURE(text);
    CHECK_THAT(parse_error(text), Contains("not KEY followed by a number"));
  }
  CHECK_THAT(parse_error("counter.racy:t,i1:v1:0110"), Contains("'t'"));
}

TEST_CASE("Registry::replay rejects an unknown model", "[replay][errors]") {
  std::string e = replay_error("counter.bogus:t2,i1:v1:0110");
  CHECK_THAT(e, Contains("unknown model 'counter.bogus'"));
}

TEST_CASE("Registry::replay rejects missing, unknown and out-of-range parameters",
          "[replay][errors]") {
  std::string missing = replay_error("counter.racy:t2:v1:0110");
  CHECK_THAT(missing, Contains("lacks parameter 'i'"));
  CHECK_THAT(missing, Contains("iters"));
  CHECK_THAT(replay_error("counter.racy::v1:0110"), Contains("lacks parameter 't'"));

  std::string unknown = replay_error("counter.racy:t2,i1,x3:v1:0110");
  CHECK_THAT(unknown, Contains("no parameter 'x'"));
  // A name with a control character is echoed escaped, on one line (found by
  // the replay fuzzer).
  std::string control = replay_error("counter.racy:t4,i\x03" "1:v1:00001");
  CHECK_THAT(control, Contains("no parameter 'i\\x03'"));
  for (char c : control) CHECK(static_cast<unsigned char>(c) >= 0x20);

  std::string range = replay_error("counter.racy:t9,i1:v1:0110");
  CHECK_THAT(range, Contains("threads=9"));
  CHECK_THAT(range, Contains("out of range"));
  CHECK_THAT(range, Contains("1..8"));
  CHECK_THAT(replay_error("counter.racy:t0,i1:v1:"), Contains("out of range"));
  CHECK_THAT(replay_error("counter.racy:t2,i1000001:v1:0110"), Contains("iters=1000001"));

  CHECK_THAT(replay_error("counter.racy:t2,t2,i1:v1:0110"), Contains("twice"));
}

TEST_CASE("Registry::replay rejects choices that do not fit the execution", "[replay][errors]") {
  // A thread that does not exist.
  std::string absent = replay_error("counter.racy:t2,i1:v1:2110");
  CHECK_THAT(absent, Contains("step 1 chooses T2, which cannot run there"));
  CHECK_THAT(absent, Contains("runnable: T0, T1"));

  // A thread blocked on a held mutex: T0 holds the lock at step 2.
  std::string blocked = replay_error("counter.locked:t2,i1:v1:01000111");
  CHECK_THAT(blocked, Contains("step 2 chooses T1, which cannot run there"));
  CHECK_THAT(blocked, Contains("runnable: T0)"));

  // A thread that has finished.
  std::string finished = replay_error("counter.racy:t2,i1:v1:0001");
  CHECK_THAT(finished, Contains("step 3 chooses T0, which cannot run there (runnable: T1)"));
}

TEST_CASE("Registry::replay rejects schedules that are too short or too long",
          "[replay][errors]") {
  std::string shorter = replay_error("counter.racy:t2,i1:v1:011");
  CHECK_THAT(shorter, Contains("ends after 3 steps but the execution goes on"));
  CHECK_THAT(replay_error("counter.racy:t2,i1:v1:"), Contains("ends after 0 steps"));

  std::string longer = replay_error("counter.racy:t2,i1:v1:01100");
  CHECK_THAT(longer, Contains("ended after 4 steps but the schedule has 5"));
  CHECK_THAT(replay_error("counter.locked:t2,i1:v1:0{4}1{5}"),
             Contains("ended after 8 steps but the schedule has 9"));
}

TEST_CASE("Registry::replay with race detection stops a lost-update schedule at its race",
          "[replay][errors]") {
  auto r = models::builtin().replay("counter.racy:t2,i1:v1:0011");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Contains("ended after 3 steps but the schedule has 4"));
  CHECK_THAT(r.error(), Contains("stopped at a data race at step 3 (--no-race-detection"));
  auto race = models::builtin().replay("counter.racy:t2,i1:v1:001");
  REQUIRE(race.ok());
  REQUIRE(race->failure);
  CHECK(race->failure->kind == FailureKind::kDataRace);
}

TEST_CASE("Registry::replay accepts every schedule the checker can produce", "[replay]") {
  // All six schedules of counter.racy 2x1; four of them lose an update.
  int failed = 0;
  for (const char* choices : {"0011", "0101", "0110", "1001", "1010", "1100"}) {
    CAPTURE(choices);
    auto r = models::builtin().replay(std::string("counter.racy:t2,i1:v1:") + choices,
                                      without_race_detection());
    REQUIRE(r.ok());
    CHECK(r->trace.size() == 4);
    CHECK(r->schedule.to_string() == std::string("counter.racy:t2,i1:v1:") + choices);
    if (r->failure) {
      ++failed;
      CHECK(r->outcome == Outcome::kFailed);
      CHECK(r->failure->message == "lost update: 2 increments, counter == 1");
    } else {
      CHECK(r->outcome == Outcome::kPassed);
    }
  }
  CHECK(failed == 4);
}

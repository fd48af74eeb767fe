// Parameter keys and schedule strings: a schedule string writes each
// parameter as its key immediately followed by its value ("t2"), and parse
// splits an item at its first digit. So a key containing a digit cannot
// round-trip: "s2" with value 3 is written "s23" and read back as key "s",
// value 23.
//
// Regression (found at fd59cf8): nothing forbade such keys (ParamSpec::key is
// free text), so the checker printed 'test.digitkey:t2,s23:v1:0110' as the
// replay string of a failure, and replaying that exact string failed with
// "test.digitkey has no parameter 's'" (Schedule::to_string,
// scheduler/strategies/schedule.cc lines 42-45, against Schedule::parse, lines 96-105).
//
// Either fix is accepted: the model is rejected when it is registered (a
// std::logic_error naming the key) and a direct check reports an error, or
// every schedule the checker prints replays.
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"

namespace {

using namespace interleave;

// The racy counter with an extra parameter whose key is "s2".
struct DigitKey {
  static ModelSpec spec() {
    return {"test.digitkey", "racy counter with a parameter keyed s2",
            {threads_param(), ParamSpec{"size", "s2", 3, 1, 9, "unused"}}};
  }
  explicit DigitKey(const Params& p) : threads(p.threads()) {}
  void thread(int) {
    int v = counter.load();
    counter.store(v + 1);
  }
  void invariant() {
    check(counter.load() == threads, "lost update: counter == {}", counter.load());
  }
  int threads;
  shared<int> counter{"counter", 0};
};

}  // namespace

TEST_CASE("a parameter key with a digit is rejected, or its schedules replay", "[params]") {
  Registry registry;
  bool rejected = false;
  try {
    registry.add<DigitKey>();
  } catch (const std::logic_error& e) {
    rejected = true;
    CHECK_THAT(e.what(), Catch::Contains("s2"));
  }
  if (rejected) {
    // A direct check of the model does not explore it either.
    auto params = Params::make("test.digitkey", DigitKey::spec().params, {});
    REQUIRE(params.ok());
    CheckResult r = check_model<DigitKey>(*params);
    CHECK_FALSE(r.found_bug());
    CHECK_THAT(r.error, Catch::Contains("s2"));
    return;
  }
  auto checked = registry.check("test.digitkey", {}, {});
  REQUIRE(checked.ok());
  REQUIRE(checked->found_bug());
  std::string text = checked->first_failure->schedule.to_string();
  CAPTURE(text);
  auto replayed = registry.replay(text);
  INFO((replayed.ok() ? std::string("replayed") : replayed.error()));
  REQUIRE(replayed.ok());  // at fd59cf8: "test.digitkey has no parameter 's'"
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(checked->first_failure->failure));
}

// The reader-writer lock checked from a Catch2 test with interleave's
// matchers: a failing assertion prints the checker's whole report.
#include <catch2/catch.hpp>

#include <interleave/catch2.h>
#include <interleave/interleave.h>

#include "rwlock.h"

using interleave::check_model;
using interleave::make_params;
using interleave::testing::FindsBug;
using interleave::testing::Passes;

TEST_CASE("the fixed lock keeps every read whole, with one or two readers") {
  for (int threads : {2, 3}) {
    auto params = make_params<rwlock::Fixed>({{"threads", threads}});
    REQUIRE(params.ok());
    REQUIRE_THAT(check_model<rwlock::Fixed>(*params), Passes());
  }
}

TEST_CASE("the racy lock lets a reader see half a write") {
  auto params = make_params<rwlock::Racy>();
  REQUIRE(params.ok());
  REQUIRE_THAT(check_model<rwlock::Racy>(*params), FindsBug("torn read"));
}

// The account checked from a Catch2 test with interleave's matchers: a
// failing assertion prints the checker's whole report. It defines its own
// main, so it also builds with g++ and pkg-config alone:
//   g++ account_catch2_test.cc $(pkg-config --cflags --libs interleave)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <interleave/catch2.h>
#include <interleave/interleave.h>

#include "account.h"

using interleave::check_model;
using interleave::make_params;
using interleave::testing::FindsBug;
using interleave::testing::Passes;

TEST_CASE("the locked account is never overdrawn, with two or three threads") {
  for (int threads : {2, 3}) {
    auto params = make_params<account::Fixed>({{"threads", threads}});
    REQUIRE(params.ok());
    REQUIRE_THAT(check_model<account::Fixed>(*params), Passes());
  }
}

TEST_CASE("the racy account is overdrawn") {
  auto params = make_params<account::Racy>();
  REQUIRE(params.ok());
  REQUIRE_THAT(check_model<account::Racy>(*params), FindsBug("overdrawn"));
}

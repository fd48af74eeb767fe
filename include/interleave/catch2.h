// Catch2 (v2) matchers for checks: a failing assertion prints the checker's
// whole report (trace, why, replay command).
//
//   #include <interleave/catch2.h>
//
//   REQUIRE_THAT(interleave::check_model<MyModel>(*params), interleave::testing::Passes());
//   REQUIRE_THAT(interleave::check_model<MyBuggyModel>(*params),
//                interleave::testing::FindsBug("lost update"));
//
// Bazel: deps = ["@interleave//:catch2"]. CMake: interleave::catch2.
#pragma once

#include <interleave/interleave.h>

#include "testing/catch2.h"

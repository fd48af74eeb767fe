// GoogleTest (gMock) matchers for checks: a failing expectation prints the
// checker's whole report (trace, why, replay command).
//
//   #include <interleave/gtest.h>
//
//   EXPECT_THAT(interleave::check_model<MyModel>(*params), interleave::testing::Passes());
//   EXPECT_THAT(interleave::check_model<MyBuggyModel>(*params),
//               interleave::testing::FindsBug("lost update"));
//
// Bazel: deps = ["@interleave//:gtest"]. CMake: interleave::gtest.
#pragma once

#include <interleave/interleave.h>

#include "testing/gtest.h"

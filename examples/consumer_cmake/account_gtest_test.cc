// The same checks with GoogleTest's matchers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <interleave/gtest.h>
#include <interleave/interleave.h>

#include "account.h"

using interleave::check_model;
using interleave::make_params;
using interleave::testing::FindsBug;
using interleave::testing::Passes;

TEST(Account, LockedIsNeverOverdrawn) {
  auto params = make_params<account::Fixed>({{"threads", 3}});
  ASSERT_TRUE(params.ok());
  EXPECT_THAT(check_model<account::Fixed>(*params), Passes());
}

TEST(Account, RacyIsOverdrawn) {
  auto params = make_params<account::Racy>();
  ASSERT_TRUE(params.ok());
  EXPECT_THAT(check_model<account::Racy>(*params), FindsBug("overdrawn"));
}

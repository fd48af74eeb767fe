// A bank account that two threads withdraw from: each checks that the
// balance covers the amount, then takes it. Afterwards the balance must not
// be negative.
//
// account.racy: the check and the withdrawal are two steps with no lock, so
//   both threads can pass the check before either withdraws: overdrawn.
// account.fixed: the check and the withdrawal under one lock.
#pragma once

#include <interleave/interleave.h>

namespace account {

using namespace interleave;

template <bool locked>
struct Account {
  explicit Account(const Params& p) : threads(p.threads()) {}

  void thread(int) {
    if (locked) {
      lock_guard hold(guard);
      withdraw(60);
    } else {
      withdraw(60);
    }
  }
  void withdraw(int amount) {
    if (balance.load() >= amount) {  // check...
      balance.fetch_sub(amount);     // ...then act
    }
  }
  void invariant() {
    INTERLEAVE_CHECK(balance.load() >= 0, "overdrawn: balance == {}", balance.load());
  }

  int threads;
  mutex guard{"guard"};
  // An atomic, so that the bug shows as the overdraft itself (a plain
  // shared<int> would be reported as a data race first).
  atomic<int> balance{"balance", 100};
};

struct Racy : Account<false> {
  using Account::Account;
  static ModelSpec spec() {
    return {"account.racy", "check the balance, then withdraw, with no lock", {threads_param()},
            /*buggy=*/true};
  }
};

struct Fixed : Account<true> {
  using Account::Account;
  static ModelSpec spec() {
    return {"account.fixed", "check and withdraw under one lock", {threads_param()}};
  }
};

}  // namespace account

// Bank-transfer models: a model written the way a user writes one, outside
// models/. Two accounts, a and b, open with 100 each. Thread i makes `iters`
// transfers: even threads move money from a to b, odd threads from b to a;
// T0 moves 10 each time, T1 20, T2 30, ... However the transfers interleave,
// the bank must still hold 200 at the end.
#pragma once

#include <algorithm>

#include "scheduler/api/interleave.h"

namespace bank {

using namespace interleave;

// Each account's opening balance.
inline constexpr int kOpening = 100;

// What every variant shares: the accounts, the transfer, the invariant.
struct Bank {
  explicit Bank(const Params& p) : threads(p.threads()), iters(p.iters()) {}

  // Thread i's transfer: from account source(i) to dest(i), amount(i).
  static int source(int i) { return i % 2; }
  static int dest(int i) { return 1 - i % 2; }
  static int amount(int i) { return 10 * (i + 1); }

  // Reads both balances, then writes both back: correct only if no other
  // transfer touches either account in between.
  void transfer(int i) {
    shared<int>& from = account[source(i)];
    shared<int>& to = account[dest(i)];
    int from_balance = from.load();
    int to_balance = to.load();
    from.store(from_balance - amount(i));
    to.store(to_balance + amount(i));
  }

  // After every thread has finished: no money made or lost, and no transfer
  // lost whole (which would leave the total right but the balances wrong).
  void invariant() {
    int a = account[0].load(), b = account[1].load();
    check(a + b == 2 * kOpening, "money not conserved: total {}, expected {} (a == {}, b == {})",
          a + b, 2 * kOpening, a, b);
    check(a == expected_a(), "a transfer was lost: a == {}, b == {}, expected {} and {}", a, b,
          expected_a(), 2 * kOpening - expected_a());
  }

  // Every transfer is unconditional, so a's final balance is known.
  int expected_a() const {
    int a = kOpening;
    for (int i = 0; i < threads; ++i) a += (source(i) == 0 ? -amount(i) : amount(i)) * iters;
    return a;
  }

  int threads, iters;
  shared<int> account[2]{shared<int>{"a", kOpening}, shared<int>{"b", kOpening}};
};

// bank.racy: transfers without a lock: a stale balance is written back.
struct BankRacy : Bank {
  static ModelSpec spec() {
    return {"bank.racy", "transfers without a lock: money is lost or created",
            {threads_param(), iters_param()}};
  }
  using Bank::Bank;

  void thread(int i) {
    for (int k = 0; k < iters; ++k) transfer(i);
  }
};

// bank.locked: every transfer under one bank-wide mutex: money is conserved.
struct BankLocked : Bank {
  static ModelSpec spec() {
    return {"bank.locked", "every transfer under one bank lock: money is conserved",
            {threads_param(), iters_param()}};
  }
  using Bank::Bank;

  mutex bank_lock{"bank_lock"};

  void thread(int i) {
    for (int k = 0; k < iters; ++k) {
      lock_guard guard(bank_lock);
      transfer(i);
    }
  }
};

// bank.two_locks: a lock per account, source account first: T0 holds a and
// waits for b while T1 holds b and waits for a (ABBA deadlock).
struct BankTwoLocks : Bank {
  static ModelSpec spec() {
    return {"bank.two_locks", "a lock per account, source first: ABBA deadlock",
            {threads_param(), iters_param()}};
  }
  using Bank::Bank;

  mutex account_lock[2]{mutex{"a_lock"}, mutex{"b_lock"}};

  void thread(int i) {
    for (int k = 0; k < iters; ++k) {
      lock_guard first(account_lock[source(i)]);
      lock_guard second(account_lock[dest(i)]);
      transfer(i);
    }
  }
};

// bank.ordered: the same two locks, always a before b: no deadlock.
struct BankOrdered : Bank {
  static ModelSpec spec() {
    return {"bank.ordered", "a lock per account, always a before b: no deadlock",
            {threads_param(), iters_param()}};
  }
  using Bank::Bank;

  mutex account_lock[2]{mutex{"a_lock"}, mutex{"b_lock"}};

  void thread(int i) {
    for (int k = 0; k < iters; ++k) {
      lock_guard first(account_lock[std::min(source(i), dest(i))]);
      lock_guard second(account_lock[std::max(source(i), dest(i))]);
      transfer(i);
    }
  }
};

}  // namespace bank

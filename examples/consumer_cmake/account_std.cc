// The same account written as ordinary code, with std::thread and
// std::atomic, not as a model: interleave_add_instrumented_test compiles it
// with -fsanitize=thread and links interleave's runtime, which runs its
// threads under the scheduler. Each withdrawal checks the balance, then
// takes the amount: two threads can both pass the check before either
// withdraws, and the account is overdrawn.
#include <atomic>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

class Account {
 public:
  explicit Account(int balance) : balance_(balance) {}

  // Takes `amount` if the balance covers it.
  bool withdraw(int amount) {
    if (balance_.load() < amount) return false;  // check...
    balance_.fetch_sub(amount);                  // ...then act
    return true;
  }
  int balance() const { return balance_.load(); }

 private:
  std::atomic<int> balance_;
};

}  // namespace

INTERLEAVE_INSTRUMENTED_TEST(account_std, "std::thread withdrawals: check, then act") {
  Account account(100);
  std::thread a([&] { account.withdraw(60); });
  std::thread b([&] { account.withdraw(60); });
  a.join();
  b.join();
  INTERLEAVE_CHECK(account.balance() >= 0, "overdrawn: balance == {}", account.balance());
}

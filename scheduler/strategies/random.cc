#include <fmt/format.h>

#include "scheduler/strategies/random.h"

#include <bit>
#include <limits>

namespace interleave {

namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& word : s_) word = splitmix64(seed);
}

uint64_t Rng::next() {
  const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

uint64_t Rng::below(uint64_t n) {
  // Draws at or above the largest multiple of n would favour small results.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = max - (max % n + 1) % n;
  uint64_t r;
  do {
    r = next();
  } while (r > limit);
  return r % n;
}

ThreadId Rng::pick_from(ThreadSet set) {
  uint64_t bits = set.bits();
  if (bits == 0) return kNoThread;
  // The k-th member in thread order, k uniform.
  for (uint64_t k = below(static_cast<uint64_t>(std::popcount(bits))); k > 0; --k) {
    bits &= bits - 1;
  }
  return std::countr_zero(bits);
}

RandomStrategy::RandomStrategy(uint64_t seed) : seed_(seed), rng_(seed) {}

std::string RandomStrategy::coverage(uint64_t executions) const {
  return fmt::format("in {} random executions (seed {})", executions, seed_);
}

std::string RandomStrategy::rerun() const {
  return fmt::format("--strategy random --seed {}", seed_);
}

}  // namespace interleave

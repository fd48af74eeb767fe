#include "scheduler/strategies/portfolio.h"

#include <utility>

namespace interleave {

PortfolioStrategy::PortfolioStrategy(std::unique_ptr<Strategy> exhaustive, uint64_t seed)
    : exhaustive_(std::move(exhaustive)),
      random_(seed),
      pct_(seed, kPctDepth),
      current_(exhaustive_.get()) {}

bool PortfolioStrategy::probe_due() const {
  if (exhaustive_runs_ < kWarmup) return false;
  const uint64_t since_warmup = exhaustive_runs_ - kWarmup;
  const uint64_t eager = since_warmup < kEagerProbes ? since_warmup : kEagerProbes;
  const uint64_t late = since_warmup > kEagerProbes ? (since_warmup - kEagerProbes) / kLateRatio
                                                    : 0;
  return probes_ < eager + late;
}

bool PortfolioStrategy::begin_execution() {
  if (!error().empty()) return false;
  if (probe_due()) {
    current_ = probes_ % 2 == 0 ? static_cast<Strategy*>(&random_) : &pct_;
    ++probes_;
    return current_->begin_execution();
  }
  current_ = exhaustive_.get();
  if (!exhaustive_->begin_execution()) {
    set_error(exhaustive_->error());
    return false;
  }
  ++exhaustive_runs_;
  return true;
}

ThreadId PortfolioStrategy::pick(const SchedulingPoint& point) {
  ThreadId t = current_->pick(point);
  if (!current_->error().empty()) set_error(current_->error());
  return t;
}

int PortfolioStrategy::choose(const ChoicePoint& point) {
  const int taken = current_->choose(point);
  if (!current_->error().empty()) set_error(current_->error());
  return taken;
}

void PortfolioStrategy::end_execution() { current_->end_execution(); }

}  // namespace interleave

#include "scheduler/strategies/portfolio.h"

#include <utility>

namespace interleave {

Probes::Probes(uint64_t seed)
    : random_(seed), pct_(seed, PortfolioStrategy::kPctDepth), current_(&random_) {}

bool Probes::begin_execution() {
  current_ = begun_ % 2 == 0 ? static_cast<Strategy*>(&random_) : &pct_;
  ++begun_;
  return current_->begin_execution();
}

ThreadId Probes::pick(const SchedulingPoint& point) { return current_->pick(point); }

int Probes::choose(const ChoicePoint& point) { return current_->choose(point); }

PortfolioStrategy::PortfolioStrategy(std::unique_ptr<Strategy> exhaustive, uint64_t seed)
    : exhaustive_(std::move(exhaustive)), probes_(seed), current_(exhaustive_.get()) {}

uint64_t PortfolioStrategy::quota(uint64_t exhaustive_runs) {
  if (exhaustive_runs < kWarmup) return 0;
  const uint64_t since_warmup = exhaustive_runs - kWarmup;
  const uint64_t eager = since_warmup < kEagerProbes ? since_warmup : kEagerProbes;
  const uint64_t late = since_warmup > kEagerProbes ? (since_warmup - kEagerProbes) / kLateRatio
                                                    : 0;
  return eager + late;
}

bool PortfolioStrategy::begin_execution() {
  if (!error().empty()) return false;
  if (probes_.begun() < quota(exhaustive_runs_)) {
    current_ = &probes_;
    return probes_.begin_execution();
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

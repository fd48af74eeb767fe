// What a model is. A model is a small type:
//
//   struct CounterRacy {
//     static ModelSpec spec() {
//       return {"counter.racy", "load then store of counter+1 loses updates",
//               {threads_param(), iters_param()}};
//     }
//     explicit CounterRacy(const Params& p) : iters(p.iters()), threads(p.threads()) {}
//
//     shared<int> counter{"counter", 0};   // shared state
//     int iters, threads;
//
//     void thread(int index) { ... }        // body of thread `index`
//     void invariant() { check(...); }      // after every thread has finished
//   };
//
// The explorer constructs a fresh instance for every execution, runs
// `thread(i)` for i = 0..threads-1 (or `thread_count()` threads if the model
// declares that member), then calls `invariant()`.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/runtime/execution.h"
#include "scheduler/api/params.h"

namespace interleave {

// Names and describes a model.
struct ModelSpec {
  // Registered name, "<family>.<variant>", e.g. "counter.racy".
  std::string name;
  // One line: what the variant demonstrates.
  std::string summary;
  // Parameters it accepts, in the order schedule strings list them.
  std::vector<ParamSpec> params;
  // True for a variant that demonstrates a bug: checking it at its default
  // parameters finds one. False for a correct variant.
  bool buggy = false;
  // True for a buggy variant whose bug needs a relaxed memory model (a
  // relaxed or acquire/release atomic): the scheduler, which explores
  // sequentially consistent interleavings, finds no bug; Relacy
  // (`interleave relacy MODEL`) does.
  bool relaxed_only = false;
  // True for a model whose code runs through the instrumented runtime
  // (instrumented/, docs/instrumented.md). Its plain memory accesses are not
  // visible operations but are checked for data races in every execution,
  // so exploring the orders of its synchronisation operations (DPOR too:
  // the acquisitions of one mutex are dependent) finds every bug up to the
  // first race. Its thread starts and joins of finished threads go first,
  // unbranched (ModelRunner::commuting_steps_first). And the runtime keeps
  // its state per process, so one instance runs at a time: a parallel check
  // of it uses one worker.
  bool instrumented = false;
};

// What is wrong with a spec, or "" if nothing: the name must be non-empty
// and use only letters, digits and . _ -; parameter names must be distinct,
// and their keys distinct, non-empty lowercase letters (schedule strings
// write a key followed directly by its value), with min <= default <= max.
std::string spec_problem(const ModelSpec& spec);

template <class M>
concept Model = requires(M& m, const Params& p, int index) {
  { M::spec() } -> std::convertible_to<ModelSpec>;
  { M(p) };
  { m.thread(index) };
  { m.invariant() };
};

// Validated parameters of model M from (long name, value) pairs; defaults
// for the rest.
template <Model M>
Expected<Params> make_params(const std::vector<std::pair<std::string, int64_t>>& values = {}) {
  ModelSpec spec = M::spec();
  return Params::make(spec.name, spec.params, values);
}

// Runs a model type under an Execution. The model instance lives in place
// (no allocation per execution).
template <Model M>
class ModelAdapter final : public ModelRunner {
 public:
  explicit ModelAdapter(Params params)
      : params_(std::move(params)), instrumented_(ModelSpec(M::spec()).instrumented) {}

  int thread_count() const override {
    if constexpr (requires(const M& m) { m.thread_count(); }) {
      return instance_->thread_count();
    } else {
      return params_.threads();
    }
  }
  void create() override { instance_.emplace(params_); }
  void run_thread(int index) override { instance_->thread(index); }
  void check_invariant() override { instance_->invariant(); }
  void destroy() override { instance_.reset(); }
  bool commuting_steps_first() const override { return instrumented_; }
  std::span<const std::byte> instance_memory() const override {
    return {reinterpret_cast<const std::byte*>(&instance_), sizeof instance_};
  }

 private:
  // The parameters every instance is built from.
  Params params_;
  // M's ModelSpec::instrumented.
  bool instrumented_;
  // The instance of the current execution.
  std::optional<M> instance_;
};

}  // namespace interleave

// How a registry's models reach the Relacy engine: each model type, compiled
// a second time against Relacy's types (relacy_engine/api.h), is recorded by
// a ModelCollector standing in for interleave::Registry, and the Relacy
// runtime (runtime.cc) runs the collected models.
//
// Included only by translation units compiled with INTERLEAVE_ENGINE_RELACY
// (see prelude.h): the built-in models' (builtin.cc) and, for a user's
// models, the one the interleave_binary macro (rules/interleave.bzl)
// generates.
#pragma once

#ifndef INTERLEAVE_ENGINE_RELACY
#error "relacy_engine/collector.h is for Relacy translation units (include relacy_engine/prelude.h)"
#endif

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

#include "relacy_engine/engine.h"
#include "scheduler/api/model.h"
#include "scheduler/api/params.h"

namespace interleave::relacy_engine {

// Drives one model type's instances under Relacy. The instance lives in
// place; an execution that fails never returns to its thread (Relacy leaves
// its fibers), so its instance is abandoned, never destroyed: destroying it
// would touch Relacy objects of a simulation that is over.
class Instance {
 public:
  virtual ~Instance() = default;
  // Builds a fresh instance (on a Relacy fiber, before the threads start).
  virtual void create(const Params& params) = 0;
  virtual void run_thread(int index) = 0;
  virtual void invariant() = 0;
  virtual void destroy() = 0;
  // Whether the model declares thread_count() (else it has params.threads()
  // threads); thread_count() of the live instance.
  virtual bool counts_threads() const = 0;
  virtual int thread_count() const = 0;
};

template <Model M>
class InstanceOf final : public Instance {
 public:
  void create(const Params& params) override {
    live_ = ::new (static_cast<void*>(storage_)) M(params);
  }
  void run_thread(int index) override { live_->thread(index); }
  void invariant() override { live_->invariant(); }
  void destroy() override {
    live_->~M();
    live_ = nullptr;
  }
  bool counts_threads() const override {
    return requires(const M& m) { m.thread_count(); };
  }
  int thread_count() const override {
    if constexpr (requires(const M& m) { m.thread_count(); }) {
      return live_->thread_count();
    } else {
      return -1;
    }
  }

 private:
  alignas(M) std::byte storage_[sizeof(M)];
  M* live_ = nullptr;
};

// Stands in for interleave::Registry while models/builtin.cc is compiled here.
class ModelCollector {
 public:
  struct Entry {
    ModelSpec spec;
    std::unique_ptr<Instance> (*make)();
  };

  template <Model M>
  void add() {
    entries_.push_back(Entry{M::spec(), [] { return std::unique_ptr<Instance>(new InstanceOf<M>); }});
  }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace interleave::relacy_engine
namespace interleave {

// The Relacy engine for the models `collector` recorded (runtime.cc).
std::unique_ptr<RelacyModels> make_relacy_models(const relacy_engine::ModelCollector& collector);

}  // namespace interleave

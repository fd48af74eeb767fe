// interleave's public header: everything a user's model and its checks need.
//
//   #include <interleave/interleave.h>
//
// The model API: shared<T>, atomic<T>, mutex, lock_guard, unique_lock,
// condition_variable, thread, check(), fail(), INTERLEAVE_CHECK, ModelSpec,
// Params, threads_param(), iters_param().
// Checking: check_model<M>(params, options) -> CheckResult, make_params<M>(),
// replay_model<M>(schedule), Registry (models by name, for a binary that
// checks and replays them), format_check() / format_replay() (the reports).
//
// This directory (include/interleave/) is the stable include path, the same
// in the Bazel build (@interleave//:api) and after `cmake --install`
// (interleave::interleave). The headers it forwards to (scheduler/, testing/)
// are internal: their names and split may change.
//
// A model header compiled by the Relacy engine (INTERLEAVE_ENGINE_RELACY)
// gets the model API only, on Relacy's types.
#pragma once

#include "scheduler/api/interleave.h"

#ifndef INTERLEAVE_ENGINE_RELACY
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/registry.h"
#include "scheduler/reports/report.h"
#endif

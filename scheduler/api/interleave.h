// Everything a model writer needs: shared<T>, atomic<T>, mutex, lock_guard,
// unique_lock, condition_variable, thread, check() and fail(), and the Model shape (model.h).
//
// The same model source also compiles against Relacy's types: the Relacy
// engine's one translation unit (relacy_engine/engine.cc) defines
// INTERLEAVE_ENGINE_RELACY, which swaps in relacy_engine/api.h here.
#pragma once

#include "scheduler/api/model.h"
#include "scheduler/api/params.h"

#ifdef INTERLEAVE_ENGINE_RELACY
#include "relacy_engine/api.h"
#else
#include "scheduler/api/atomic.h"
#include "scheduler/api/check.h"
#include "scheduler/api/condition_variable.h"
#include "scheduler/api/mutex.h"
#include "scheduler/api/shared.h"
#include "scheduler/api/thread.h"
#endif

// Everything a model writer needs: shared<T>, atomic<T>, mutex, lock_guard,
// unique_lock, condition_variable, thread, check() and fail(), and the Model shape (model.h).
#pragma once

#include "scheduler/atomic.h"
#include "scheduler/check.h"
#include "scheduler/condition_variable.h"
#include "scheduler/model.h"
#include "scheduler/mutex.h"
#include "scheduler/params.h"
#include "scheduler/shared.h"
#include "scheduler/thread.h"

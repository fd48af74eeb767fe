// Everything a model writer needs: shared<T>, atomic<T>, mutex, lock_guard,
// thread, check() and fail(), and the Model shape (model.h).
#pragma once

#include "scheduler/atomic.h"
#include "scheduler/check.h"
#include "scheduler/model.h"
#include "scheduler/mutex.h"
#include "scheduler/params.h"
#include "scheduler/shared.h"
#include "scheduler/thread.h"

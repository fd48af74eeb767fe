// interleave's std-compatible types: a data structure written against
// `namespace sync = std;` compiles unchanged with
// `namespace sync = interleave::std_like;`, and is then checked by the
// scheduler inside an execution and runs on the std types outside one.
//
//   #include <interleave/std.h>
//   namespace sync = interleave::std_like;
//
// What is covered, how objects are named in traces, and what differs from the
// std types: docs/std_types.md. Each type's contract is at the top of its
// header under scheduler/api/std/.
#pragma once

#include "scheduler/api/std/atomic.h"
#include "scheduler/api/std/barrier.h"
#include "scheduler/api/std/call_once.h"
#include "scheduler/api/std/condition_variable.h"
#include "scheduler/api/std/latch.h"
#include "scheduler/api/std/locks.h"
#include "scheduler/api/std/mutex.h"
#include "scheduler/api/std/semaphore.h"
#include "scheduler/api/std/shared_mutex.h"
#include "scheduler/api/std/stop_token.h"
#include "scheduler/api/std/thread.h"

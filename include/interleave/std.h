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
#include "scheduler/api/std/locks.h"
#include "scheduler/api/std/mutex.h"
#include "scheduler/api/std/thread.h"

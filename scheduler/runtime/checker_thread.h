// Which OS threads are the checker's own.
#pragma once

namespace interleave {

// Whether this OS thread is one of the checker's own: one that runs
// executions or a search (set by Execution's constructor and the parallel
// explorer) or the watchdog's. Instrumented code running on any other OS
// thread while an execution runs is a thread the scheduler does not see
// (instrumented/runtime.cc reports it). Defined in execution.cc.
bool& checker_thread();

}  // namespace interleave

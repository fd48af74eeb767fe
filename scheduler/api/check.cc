#include "scheduler/api/check.h"

#include "scheduler/runtime/execution.h"

namespace interleave::detail {

void report_failure(std::string message, std::source_location location) {
  Execution* ex = Execution::current();
  if (ex == nullptr) throw CheckFailure(std::move(message), location);
  ex->fail(ex->in_invariant() ? FailureKind::kInvariant : FailureKind::kCheck, std::move(message),
           location);
}

}  // namespace interleave::detail

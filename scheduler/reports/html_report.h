// The result of a check as a self-contained HTML page (inline CSS and JS, no
// network): one swimlane per thread, the failing trace's steps in order, the
// context switches and the key conflicting accesses (see explain.h)
// highlighted, the failure message and the replay string. For a check that
// found no bug: the verdict line of the text report and what was covered
// (a table: strategy, every schedule or not, executions, steps, time, budget,
// bound, seed); a failing check's page has the same table.
// `interleave check --html FILE`.
#pragma once

#include <string>

#include "scheduler/strategies/explorer.h"

namespace interleave {

std::string check_html(const CheckResult& result, const CheckOptions& options);

}  // namespace interleave

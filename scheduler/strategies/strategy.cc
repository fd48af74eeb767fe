#include "scheduler/strategies/strategy.h"

#include <fmt/format.h>

namespace interleave {

void Strategy::set_not_deterministic(size_t step) {
  set_error(fmt::format(
      "the model is not deterministic: at step {} the runnable threads differ from an earlier "
      "execution with the same choices (does it depend on time, addresses or global state?)",
      step));
}

}  // namespace interleave

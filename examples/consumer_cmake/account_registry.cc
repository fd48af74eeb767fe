// The registry of this project's models: what the checks (CMakeLists.txt)
// run, and what their `replay` resolves a schedule string with.
#include <interleave/interleave.h>

#include "account.h"

const interleave::Registry& interleave_models() {
  static const interleave::Registry registry = [] {
    interleave::Registry r;
    r.add<account::Racy>();
    r.add<account::Fixed>();
    return r;
  }();
  return registry;
}

// The registry of this project's models: what the interleave_test targets
// (BUILD) check, and what their `replay` resolves a schedule string with.
#include <interleave/interleave.h>

#include "rwlock.h"

const interleave::Registry& interleave_models() {
  static const interleave::Registry registry = [] {
    interleave::Registry r;
    r.add<rwlock::Racy>();
    r.add<rwlock::Fixed>();
    return r;
  }();
  return registry;
}

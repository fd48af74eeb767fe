// The bad models (bad_models.h) as the registry of the bad_models_cli binary.
#include "tests/bad_models.h"

const interleave::Registry& interleave_models() {
  static const interleave::Registry registry = bad_models::registry();
  return registry;
}

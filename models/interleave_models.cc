// The built-in models as the registry of interleave_test targets.
#include "models/builtin.h"

const interleave::Registry& interleave_models() { return models::builtin(); }

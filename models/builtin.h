// The models that ship with interleave, by name.
#pragma once

#include "scheduler/api/registry.h"

namespace models {

const interleave::Registry& builtin();

}  // namespace models

// The instrumented tests as the registry that //cli:check_main (the main of
// interleave_test and, by default, interleave_cc_test) checks.
#include "instrumented/instrumented.h"

const interleave::Registry& interleave_models() {
  return interleave::instrumented::instrumented_models();
}

// The whole interleave command line (list, check, replay, ...) over the
// instrumented tests linked into the program (interleave_cc_binary).
#include "cli/interleave_main.h"
#include "instrumented/instrumented.h"

int main(int argc, char** argv) {
  return interleave::interleave_main(interleave::instrumented::instrumented_models(), argc, argv);
}

// interleave: the command line over the built-in models (cli/interleave_main.h
// has the commands; docs/cli.md the verdicts, exit statuses and input rules).
#include "cli/interleave_main.h"
#include "models/builtin.h"
#include "relacy_engine/engine.h"

int main(int argc, char** argv) {
  interleave::Program program;
  program.registry = &models::builtin();
  program.relacy = &interleave::builtin_relacy_models();
  program.command = "bazel run //:interleave --";
  return interleave::interleave_main(program, argc, argv);
}

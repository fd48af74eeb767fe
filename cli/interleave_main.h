// The whole `interleave` command line over any registry of models: a user's
// own binary gets `list`, `check`, `replay`, `native`, `relacy` and `compare`
// for their models by linking //cli:interleave_main and calling
//
//   int main(int argc, char** argv) {
//     return interleave::interleave_main(my_models(), argc, argv);
//   }
//
// Every report it prints names this program as the one that replays a
// schedule: `program.command` (argv[0] by default) followed by "replay '...'".
// The interleave_binary macro (rules/interleave.bzl) writes that main, and
// compiles the models a second time for the Relacy engine.
//
// Exit status (scheduler/reports/verdict.h): 0 no bug found in everything asked,
// 1 bug, 2 usage or input error (one line on stderr), 3 no bug found but a
// limit or budget stopped the run before it covered what was asked.
#pragma once

#include <string>

#include "relacy_engine/engine.h"
#include "scheduler/api/registry.h"

namespace interleave {

struct Program {
  // The models every command works on.
  const Registry* registry = nullptr;
  // The same models compiled for the Relacy engine; nullptr: `relacy` is a
  // usage error saying so.
  const RelacyModels* relacy = nullptr;
  // How a user runs this program, as reports print it before "replay '...'"
  // ("bazel run //pkg:name --"); empty: argv[0].
  std::string command;
  // The prefix of error lines ("interleave: ...").
  std::string name = "interleave";
};

// Runs the command line; returns the exit status.
int interleave_main(const Program& program, int argc, char** argv);

// The same with only `registry` (no Relacy engine), named by argv[0].
int interleave_main(const Registry& registry, int argc, char** argv);

}  // namespace interleave

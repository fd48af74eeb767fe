// One libFuzzer binary, three targets (fuzz/targets.h): the environment
// variable INTERLEAVE_FUZZ_TARGET picks which one every input goes to, so
// that each keeps its own corpus (fuzz/corpus/<target>/) and its own share
// of the run time, over one build of the sources.
//
//   INTERLEAVE_FUZZ_TARGET=input    schedule strings, numeric option values
//   INTERLEAVE_FUZZ_TARGET=replay   schedules replayed against models
//   INTERLEAVE_FUZZ_TARGET=cli      command lines for interleave_main
//
// tools/fuzz.sh [SECONDS] builds it (clang, ASan + UBSan) and runs each
// target. To reproduce a saved input: INTERLEAVE_FUZZ_TARGET=<target>
// ASAN_OPTIONS=... (as in tools/fuzz.sh) fuzzer -close_fd_mask=3 INPUT.
// An unknown or missing target name ends the program with status 2 before
// any input runs. The cli target runs in a new temporary directory (under
// $TMPDIR, else /tmp), where its --json / --html files go; it changes to it
// before libFuzzer reads its arguments, so give it absolute paths (corpus,
// inputs, -artifact_prefix).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/targets.h"

namespace {

using Target = void (*)(const uint8_t*, size_t);
Target g_target = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("INTERLEAVE_FUZZ_TARGET");
  const std::string_view target = name ? name : "";
  if (target == "input") g_target = interleave::fuzz::fuzz_input;
  if (target == "replay") g_target = interleave::fuzz::fuzz_replay;
  if (target == "cli") {
    g_target = interleave::fuzz::fuzz_cli;
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/interleave-fuzz-cli-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr || chdir(dir.c_str()) != 0) {
      std::perror("fuzzer: cannot make a working directory for the cli target");
      std::exit(2);
    }
  }
  if (g_target == nullptr) {
    std::fprintf(stderr, "fuzzer: set INTERLEAVE_FUZZ_TARGET to input, replay or cli\n");
    std::exit(2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  g_target(data, size);
  return 0;
}

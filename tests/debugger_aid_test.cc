// interleave_where() (scheduler/runtime/execution.h), the function a debugger calls
// at a breakpoint in a model thread, names the running thread and its last
// step in the trace's numbering.
//
// The model: 2 threads, each loads then stores its own slot, and calls
// interleave_where() between the two. Under the schedule 0110 the trace is
//   1 T0 load slot0, 2 T1 load slot1, 3 T1 store slot1, 4 T0 store slot0,
// so T0 calls it after its step 1 (1 step done in all) and T1 after its
// step 2 (2 steps done in all).
#include <stdio.h>
#include <unistd.h>

#include <string>

#include <catch2/catch.hpp>

#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"

namespace {

using namespace interleave;

struct WhereModel {
  static ModelSpec spec() { return {"test.where", "each thread asks where it is", {}}; }
  explicit WhereModel(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int i) {
    int value = slot[i].load();
    interleave_where();
    slot[i].store(value + 1);
  }
  void invariant() {}
  atomic<int> slot[2]{atomic<int>{"slot0", 0}, atomic<int>{"slot1", 0}};
};

// What `body` writes to stderr.
template <class F>
std::string capture_stderr(F&& body) {
  std::fflush(stderr);
  FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  int saved = dup(fileno(stderr));
  dup2(fileno(file), fileno(stderr));
  body();
  std::fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  std::string text;
  std::rewind(file);
  char buffer[512];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  std::fclose(file);
  return text;
}

}  // namespace

TEST_CASE("interleave_where names the running thread and its last step") {
  std::string text = capture_stderr([] {
    auto result = replay_model<WhereModel>("test.where::v1:0110");
    REQUIRE(result.ok());
  });
  CHECK(text.find("interleave: T0 is running, after its step 1 (1 step done in all)") !=
        std::string::npos);
  CHECK(text.find("step 1  T0  load slot0") != std::string::npos);
  CHECK(text.find("interleave: T1 is running, after its step 2 (2 steps done in all)") !=
        std::string::npos);
  CHECK(text.find("step 2  T1  load slot1") != std::string::npos);
  CHECK(text.find("T0 is running, after its step 2") == std::string::npos);
}

TEST_CASE("interleave_where outside an execution says so") {
  std::string text = capture_stderr([] { interleave_where(); });
  CHECK(text == "interleave: no execution is running on this OS thread\n");
}

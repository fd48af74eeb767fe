// Checking unmodified code: a test whose body is an ordinary function that
// starts std::threads, compiled with `g++ -fsanitize=thread` and linked with
// interleave's own runtime (runtime.cc) instead of ThreadSanitizer's
// (docs/instrumented.md).
//
//   INTERLEAVE_INSTRUMENTED_TEST(counter_locked, "two threads increment under a std::mutex") {
//     int counter = 0;
//     std::mutex m;
//     auto add = [&] { std::lock_guard<std::mutex> g(m); ++counter; };
//     std::thread a(add), b(add);
//     a.join();
//     b.join();
//     INTERLEAVE_CHECK(counter == 2, "lost update: counter == {}", counter);
//   }
//
// The test becomes a model with one thread, T0, that runs the body; the
// threads it starts are model threads too. Its atomics, mutex operations,
// thread starts and joins and sched_yield are visible operations; its plain
// reads and writes are checked for data races. It is registered under its
// name (letters, digits and _ only) in instrumented_models(), which the
// command line and tests use like any registry: `check`, `replay`,
// strategies, shrinking and reports work unchanged.
#pragma once

#include "scheduler/api/check.h"
#include "scheduler/api/located_format.h"
#include "scheduler/api/registry.h"

namespace interleave::instrumented {

// The registry of every INTERLEAVE_INSTRUMENTED_TEST linked into the program.
Registry& instrumented_models();

namespace detail {

// Forgets what the runtime knew of the previous execution (mutex states,
// thread results, access sites). Called by each test's model constructor.
void begin_execution();

// The execution is over (called by each test's model destructor): from
// now on, instrumented code on other threads is no longer watched for.
void end_execution();

// Runs a test's body as the user's code (the runtime's entry points act on
// what it does).
void run_body(void (*body)());

// The model type behind INTERLEAVE_INSTRUMENTED_TEST: one thread running
// Body::run(); nothing to check afterwards (the body checks).
template <class Body>
struct BodyModel {
  static ModelSpec spec() {
    ModelSpec spec{Body::kName, Body::kSummary, {}};
    spec.instrumented = true;
    return spec;
  }
  explicit BodyModel(const Params&) { begin_execution(); }
  ~BodyModel() { end_execution(); }
  BodyModel(const BodyModel&) = delete;
  BodyModel& operator=(const BodyModel&) = delete;
  int thread_count() const { return 1; }
  void thread(int) { run_body(&Body::run); }
  void invariant() {}
};

// Registers BodyModel<Body> at start-up.
template <class Body>
struct Registrar {
  Registrar() { instrumented_models().add<BodyModel<Body>>(); }
};

}  // namespace detail
}  // namespace interleave::instrumented

// Defines and registers an instrumented test; the braces that follow are its
// body. `summary` is a one-line string literal shown by `list`.
#define INTERLEAVE_INSTRUMENTED_TEST(name, summary)                                     \
  namespace {                                                                           \
  struct InterleaveBody_##name {                                                        \
    static constexpr const char* kName = #name;                                         \
    static constexpr const char* kSummary = summary;                                    \
    static void run();                                                                  \
  };                                                                                    \
  const ::interleave::instrumented::detail::Registrar<InterleaveBody_##name>            \
      interleave_registrar_##name;                                                      \
  }                                                                                     \
  void InterleaveBody_##name::run()


// The Relacy runtime: the one translation unit that runs Relacy's
// simulations, for the models of any registry compiled for it (collector.h:
// each model type's Instance, from a translation unit of its own, e.g. the
// built-in models' relacy_engine/builtin.cc or one interleave_binary
// generates). Relacy's test suites (one per thread count), the capture of
// its report, the budgets checked before every execution, and the model
// API's failure hooks (relacy_api::detail) live here.
#include "relacy_engine/prelude.h"

#include "relacy_engine/engine.h"
#include "scheduler/runtime/escape.h"
#include "scheduler/reports/progress.h"

namespace interleave {

namespace relacy_engine {
namespace {

// The run in progress. Relacy builds its test suites itself (default
// constructor) and is not re-entrant, so runs are serialised and the suites
// find their model here.
struct Run {
  using Clock = std::chrono::steady_clock;
  Instance* instance = nullptr;
  const Params* params = nullptr;
  // Stop after this many executions (0: never).
  uint64_t budget = 0;
  // Stop once the clock passes `deadline` (if has_deadline); looked at
  // before every kClockPeriod-th execution.
  bool has_deadline = false;
  Clock::time_point deadline;
  static constexpr uint64_t kClockPeriod = 16;
  // Executions begun.
  uint64_t started = 0;
  // Which budget stopped the run, if one did.
  enum class Hit { kNone, kExecutions, kSeconds } hit = Hit::kNone;
  // The progress line (nullptr: none). Its updates allocate nothing: Relacy
  // owns operator new during the simulation.
  Progress* progress = nullptr;
  // Probe mode: build one instance, record its thread count, run nothing.
  bool probing = false;
  int probed_threads = 0;
};
Run* g_run = nullptr;
std::mutex g_run_mutex;

// Runs `body`; an exception escaping it fails the Relacy test, as an
// exception escaping a thread fails the execution under the scheduler. The
// failure is reported after the handler has finished: Relacy never returns
// to a failing fiber, and an exception still being handled would stay on
// this OS thread's list of caught exceptions.
template <class Body>
void guarded(const char* where, Body body) {
  static char what[512];
  bool thrown = false;
  try {
    body();
  } catch (const std::exception& e) {
    fmt::format_to_n(what, sizeof what - 1, "{}", e.what()).out[0] = '\0';
    thrown = true;
  } catch (...) {
    fmt::format_to_n(what, sizeof what - 1, "an exception that is not a std::exception")
        .out[0] = '\0';
    thrown = true;
  }
  if (thrown) {
    // No source location: the exception left the model somewhere below.
    relacy_api::detail::fail_formatted("exception escaped {}: {}", std::source_location{}, where,
                                       static_cast<const char*>(what));
  }
}

// Relacy's test suite for N model threads, whatever the model.
template <int N>
struct Suite : rl::test_suite<Suite<N>, N> {
  void before() {
    Run& run = *g_run;
    // The budgets, from the engine's side: Relacy's full and bound
    // schedulers have none (they ignore iteration_count).
    if (!run.probing) {
      if (run.budget != 0 && run.started >= run.budget) {
        run.hit = Run::Hit::kExecutions;
        rl::ctx().rl_until("execution budget reached",
                           rl::debug_info("budget", "relacy engine", 0));
      }
      if (run.has_deadline && run.started % Run::kClockPeriod == 0 &&
          Run::Clock::now() >= run.deadline) {
        run.hit = Run::Hit::kSeconds;
        rl::ctx().rl_until("time budget reached", rl::debug_info("budget", "relacy engine", 0));
      }
      if (run.progress != nullptr) run.progress->update(run.started);
    }
    ++run.started;
    guarded("the model's constructor", [&] { run.instance->create(*run.params); });
    if (run.probing) {
      run.probed_threads = run.instance->thread_count();
      run.instance->destroy();
    }
  }
  void thread(unsigned index) {
    if (g_run->probing) return;
    static constexpr const char* kThreads[] = {"T0", "T1", "T2", "T3", "T4", "T5", "T6", "T7"};
    static_assert(N <= 8);
    guarded(kThreads[index], [&] { g_run->instance->run_thread(static_cast<int>(index)); });
  }
  void after() {
    if (g_run->probing) return;
    guarded("the invariant", [&] { g_run->instance->invariant(); });
    g_run->instance->destroy();
  }
};

template <int N>
void simulate(rl::test_params& params) {
  rl::simulate<Suite<N>>(params);
}

using SimulateFn = void (*)(rl::test_params&);

template <std::size_t... I>
constexpr std::array<SimulateFn, sizeof...(I)> simulators(std::index_sequence<I...>) {
  return {&simulate<static_cast<int>(I) + 1>...};
}
constexpr auto kSimulate = simulators(std::make_index_sequence<kMaxRelacyThreads>{});

// Captures Relacy's output in a fixed buffer: during a simulation Relacy owns
// operator new, so a growing std::string or ostringstream would be allocated
// by it and freed outside it (a "double free").
class FixedBuffer : public std::streambuf {
 public:
  FixedBuffer(char* data, std::size_t capacity) : data_(data), capacity_(capacity) {}
  std::string_view text() const { return {data_, used_}; }
  bool truncated() const { return truncated_; }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) put(static_cast<char>(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) put(s[i]);
    return n;
  }

 private:
  void put(char c) {
    if (used_ < capacity_) {
      data_[used_++] = c;
    } else {
      truncated_ = true;
    }
  }
  char* data_;
  std::size_t capacity_;
  std::size_t used_ = 0;
  bool truncated_ = false;
};

char g_report[256 * 1024];

// The message and "file:line" of the check that failed the execution, kept
// in fixed buffers for the same reason.
char g_failure_message[1024];
char g_failure_location[512];
// Set when the model started an interleave::thread (not supported here).
bool g_thread_started = false;

rl::scheduler_type_e to_rl(RelacySearch search) {
  switch (search) {
    case RelacySearch::kFull: return rl::sched_full;
    case RelacySearch::kBound: return rl::sched_bound;
    case RelacySearch::kRandom: return rl::sched_random;
  }
  return rl::sched_full;
}

// Relacy's report without its first line (the mangled name of the suite),
// and with Relacy's own header paths shortened from Bazel's
// "bazel-out/.../_virtual_includes/relacy/relacy/context.hpp" to "relacy/context.hpp".
std::string clean_report(std::string_view text) {
  std::size_t eol = text.find('\n');
  if (eol != std::string_view::npos) text.remove_prefix(eol + 1);
  constexpr std::string_view kPrefix = "bazel-out/", kVirtual = "_virtual_includes/relacy/";
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    std::size_t at = text.find(kPrefix);
    std::size_t virt = at == std::string_view::npos ? at : text.find(kVirtual, at);
    std::size_t eol_at = at == std::string_view::npos ? at : text.find('\n', at);
    if (virt == std::string_view::npos || virt > eol_at) {
      out += text;
      break;
    }
    out += text.substr(0, at);
    text.remove_prefix(virt + kVirtual.size());
  }
  return out;
}

// The event that failed the execution, from Relacy's history: the line
// "[10] 1: DATA RACE (data race detected), in payload, models/relaxed.h(42)".
struct FailureEvent {
  std::string thread;       // "1"
  std::string description;  // "DATA RACE (data race detected)"
  std::string object;       // "payload" (the object or function Relacy names)
  std::string where;        // "models/relaxed.h:42"; empty inside Relacy itself
};

FailureEvent failure_event(std::string_view report, std::string_view kind) {
  FailureEvent event;
  std::size_t history = report.find("execution history");
  if (history == std::string_view::npos) return event;
  std::string_view rest = report.substr(history);
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
    // "[i] t: <event>, in <object>, <file>(<line>)"
    std::size_t close = line.find("] ");
    std::size_t colon = line.find(": ", close == std::string_view::npos ? 0 : close);
    if (line.empty() || line[0] != '[' || close == std::string_view::npos ||
        colon == std::string_view::npos) {
      continue;
    }
    std::string_view text = line.substr(colon + 2);
    if (text.substr(0, kind.size()) != kind) continue;
    event.thread = std::string(line.substr(close + 2, colon - close - 2));
    std::size_t in = text.rfind(", in ");
    event.description = std::string(text.substr(0, in));
    if (in != std::string_view::npos) {
      std::string_view place = text.substr(in + 5);  // "<object>, <file>(<line>)"
      std::size_t comma = place.find(", ");
      event.object = std::string(place.substr(0, comma));
      if (comma != std::string_view::npos) {
        std::string_view file_line = place.substr(comma + 2);
        std::size_t paren = file_line.rfind('(');
        if (paren != std::string_view::npos && file_line.substr(0, 7) != "relacy/" &&
            file_line.back() == ')') {
          event.where = fmt::format("{}:{}", file_line.substr(0, paren),
                                    file_line.substr(paren + 1, file_line.size() - paren - 2));
        }
      }
    }
    break;
  }
  return event;
}

}  // namespace
}  // namespace relacy_engine


namespace relacy_api::detail {

void report_failure(const char* message, std::source_location location) {
  if (!rl::is_ctx()) {
    throw std::logic_error(fmt::format("check failed outside a Relacy simulation: {} ({}:{})",
                                       message, location.file_name(), location.line()));
  }
  using relacy_engine::g_failure_location;
  using relacy_engine::g_failure_message;
  std::size_t n = std::min(std::strlen(message), sizeof g_failure_message - 1);
  std::memcpy(g_failure_message, message, n);
  g_failure_message[n] = '\0';
  if (location.line() == 0) {
    g_failure_location[0] = '\0';
  } else {
    auto end = fmt::format_to_n(g_failure_location, sizeof g_failure_location - 1, "{}:{}",
                                file_of(location), location.line());
    g_failure_location[std::min(end.size, sizeof g_failure_location - 1)] = '\0';
  }
  rl::ctx().fail_test(message, rl::test_result_user_assert_failed,
                      rl::debug_info("check", file_of(location), location.line()));
  std::abort();  // not reached: Relacy leaves the failing execution's fiber for good
}

void thread_unsupported(std::source_location location) {
  relacy_engine::g_thread_started = true;
  fail_formatted("interleave::thread is not available under the Relacy engine", location);
}

void invalid_order(const char* operation, std::memory_order order, const char* object,
                   std::source_location location) {
  static const char* const kNames[] = {"relaxed", "consume", "acquire",
                                       "release", "acq_rel", "seq_cst"};
  int index = static_cast<int>(order);
  const char* name = index >= 0 && index < 6 ? kNames[index] : "?";
  fail_formatted("{} of {} with memory_order_{}: not a valid order for a {} (undefined behaviour)",
                 location, operation, object, name, operation);
}

}  // namespace relacy_api::detail

namespace relacy_engine {
namespace {

// The models of one ModelCollector, run by the code above.
class CollectedModels final : public RelacyModels {
 public:
  explicit CollectedModels(ModelCollector collector) : collector_(std::move(collector)) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& entry : collector_.entries()) out.push_back(entry.spec.name);
    return out;
  }

  Expected<RelacyResult> run(std::string_view model, const Params& params,
                             const RelacyOptions& options) const override {
    for (const auto& entry : collector_.entries()) {
      if (entry.spec.name == model) return run_entry(entry, model, params, options);
    }
    return Error{fmt::format("unknown model '{}' for the Relacy engine (see `list`)",
                             echo_input(model))};
  }

 private:
  static Expected<RelacyResult> run_entry(const ModelCollector::Entry& entry,
                                          std::string_view model, const Params& params,
                                          const RelacyOptions& options);
  ModelCollector collector_;
};

Expected<RelacyResult> CollectedModels::run_entry(const ModelCollector::Entry& entry,
                                                  std::string_view model, const Params& params,
                                                  const RelacyOptions& options) {
  std::lock_guard<std::mutex> serialised(g_run_mutex);
  std::unique_ptr<Instance> instance = entry.make();
  FixedBuffer discard_buffer(nullptr, 0);
  std::ostream discard(&discard_buffer);

  Run run;
  run.instance = instance.get();
  run.params = &params;
  g_run = &run;
  struct Unset {
    ~Unset() { g_run = nullptr; }
  } unset;
  g_failure_message[0] = '\0';
  g_thread_started = false;

  // The thread count: the model's thread_count() needs an instance, and an
  // instance needs a Relacy context, so a one-execution probe builds one.
  int threads = -1;
  if (!instance->counts_threads()) {
    try {
      threads = params.threads();
    } catch (const std::exception& e) {
      return Error{fmt::format("{}: {}", model, e.what())};
    }
  } else {
    run.probing = true;
    rl::test_params probe;
    probe.search_type = rl::sched_full;
    probe.iteration_count = 1;
    probe.output_stream = &discard;
    probe.progress_stream = &discard;
    kSimulate[0](probe);
    run.probing = false;
    if (probe.test_result != rl::test_result_success) {
      return Error{fmt::format("{}: building the model under Relacy failed: {} {}", model,
                               rl::test_result_str(probe.test_result), g_failure_message)};
    }
    threads = run.probed_threads;
  }
  if (threads < 1 || threads > kMaxRelacyThreads) {
    return Error{fmt::format(
        "{} has {} threads; the Relacy engine runs 1..{} (Relacy fixes a test's thread count at "
        "compile time: kMaxRelacyThreads in relacy_engine/engine.h)",
        model, threads, kMaxRelacyThreads)};
  }

  FixedBuffer report_buffer(g_report, sizeof g_report);
  std::ostream report(&report_buffer);
  rl::test_params rl_params;
  rl_params.search_type = to_rl(options.search);
  rl_params.context_bound = options.context_bound;
  rl_params.execution_depth_limit = options.max_depth;
  rl_params.output_stream = &report;
  rl_params.progress_stream = &discard;
  // The budgets. Random search runs its iterations (or, given only
  // seconds, as many as fit); full and bound search run to the end, or to a
  // budget: the one given, else the default seconds.
  const bool random = options.search == RelacySearch::kRandom;
  double seconds_budget = options.seconds;
  bool default_seconds = false;
  if (random) {
    rl_params.iteration_count = options.iterations != 0 ? options.iterations
                                : options.seconds > 0   ? UINT64_MAX
                                                        : RelacyOptions::kDefaultRandomIterations;
  } else {
    run.budget = options.iterations;
    if (options.iterations == 0 && !(options.seconds > 0)) {
      seconds_budget = RelacyOptions::kDefaultSeconds;
      default_seconds = true;
    }
  }
  run.started = 0;
  run.hit = Run::Hit::kNone;
  g_failure_message[0] = '\0';
  g_failure_location[0] = '\0';

  auto start = std::chrono::steady_clock::now();
  run.has_deadline = seconds_budget > 0;
  if (run.has_deadline) {
    run.deadline = start + std::chrono::duration_cast<Run::Clock::duration>(
                               std::chrono::duration<double>(seconds_budget));
  }
  Progress::Settings progress_settings;
  progress_settings.enabled = options.progress;
  progress_settings.summary_after_seconds = options.summary_after_seconds;
  progress_settings.budgeted = true;  // no estimate of the total: none is known
  Progress progress(progress_settings, start);
  run.progress = &progress;
  kSimulate[threads - 1](rl_params);
  run.progress = nullptr;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string strategy = fmt::format("relacy {}", search_name(options.search));
  progress.finish(summary_line(model, params, strategy,
                               run.hit != Run::Hit::kNone ? run.started
                                                          : rl_params.stop_iteration,
                               0, seconds),
                  seconds);

  if (g_thread_started) {
    return Error{fmt::format(
        "{} starts a thread from a model thread (interleave::thread, {}): the Relacy engine "
        "cannot run it, because Relacy fixes a test's thread count at compile time",
        model, g_failure_location)};
  }

  RelacyResult result;
  result.model = std::string(model);
  result.params = params;
  result.threads = threads;
  result.search = options.search;
  result.context_bound = options.context_bound;
  result.seconds = seconds;
  if (run.hit != Run::Hit::kNone) {
    // A budget stopped the run: no bug in what it covered. It is a limit
    // unless it is all a random search was asked for (--seconds alone).
    result.iterations = run.started;
    result.kind = rl::test_result_str(rl::test_result_success);
    result.exhaustive = false;
    if (run.hit == Run::Hit::kExecutions) {
      result.budget = fmt::format("--iterations {}", run.budget);
      result.raise_limit = "raise --iterations, or drop it";
    } else if (default_seconds) {
      result.budget = fmt::format("--seconds {} (the default)", seconds_budget);
      result.raise_limit = "raise --seconds, or give --iterations N";
    } else {
      result.budget = fmt::format("--seconds {}", seconds_budget);
      result.raise_limit = random ? "raise --seconds, or drop it to run every one of --iterations"
                                  : "raise --seconds, or drop it";
    }
    if (!random || options.iterations != 0 || run.started == 0) {
      result.limit = result.budget;
    } else {
      result.raise_limit.clear();
    }
    return result;
  }
  result.iterations = rl_params.stop_iteration;
  result.kind = rl::test_result_str(rl_params.test_result);
  result.found_bug = rl_params.test_result != rl::test_result_success;
  result.exhaustive = !result.found_bug && options.search != RelacySearch::kRandom;
  result.report = clean_report(report_buffer.text());
  result.report_truncated = report_buffer.truncated();
  if (result.found_bug) {
    FailureEvent event = failure_event(result.report, result.kind);
    if (rl_params.test_result == rl::test_result_user_assert_failed ||
        rl_params.test_result == rl::test_result_user_invariant_failed) {
      result.message = g_failure_message;
      event.where = g_failure_location;
    } else if (rl_params.test_result == rl::test_result_data_race) {
      result.message = fmt::format("unsynchronised access to {} by two threads",
                                   event.object.empty() ? "a shared<T>" : event.object);
    } else if (rl_params.test_result == rl::test_result_deadlock) {
      // Relacy notices it in whichever thread ran last: no location to give.
      result.message = "every live thread is blocked";
      event = FailureEvent{};
    } else {
      result.message = event.description;
    }
    result.location = event.thread.empty() ? event.where
                      : event.where.empty() ? "T" + event.thread
                                            : fmt::format("T{}, {}", event.thread, event.where);
  }
  return result;
}

}  // namespace
}  // namespace relacy_engine

std::unique_ptr<RelacyModels> make_relacy_models(const relacy_engine::ModelCollector& collector) {
  return std::make_unique<relacy_engine::CollectedModels>(collector);
}

}  // namespace interleave

# The benchmarks of bench/ (run them from a Release build:
# cmake -DCMAKE_BUILD_TYPE=Release; the figures in docs/ come from Bazel's -c opt).
foreach(bench bug_finding_bench dpor_cost_bench parallel_bench scheduler_bench shard_bench
    strategy_bench)
  add_executable(${bench} bench/${bench}.cc)
  target_link_libraries(${bench} PRIVATE interleave_builtin_models)
endforeach()
add_executable(relacy_bench bench/relacy_bench.cc)
target_link_libraries(relacy_bench PRIVATE interleave_builtin_models interleave_builtin_relacy)

# bench/instrumented_bench: the std::thread programs of
# bench/instrumented_bench_programs.cc compiled with -fsanitize=thread (an
# OBJECT library, linked directly: their registrars are referenced by
# nobody), the benchmark's own main not.
if(INTERLEAVE_INSTRUMENTED)
  add_library(instrumented_bench_programs OBJECT bench/instrumented_bench_programs.cc)
  _interleave_instrument(instrumented_bench_programs)
  target_link_libraries(instrumented_bench_programs PUBLIC interleave::instrumented)
  add_executable(instrumented_bench bench/instrumented_bench.cc)
  target_link_libraries(instrumented_bench PRIVATE instrumented_bench_programs
                                                   interleave::instrumented
                                                   interleave_builtin_models)
endif()

# The benchmarks of bench/ (run them from a Release build:
# cmake -DCMAKE_BUILD_TYPE=Release; the figures in docs/ come from Bazel's -c opt).
foreach(bench bug_finding_bench dpor_cost_bench parallel_bench scheduler_bench strategy_bench)
  add_executable(${bench} bench/${bench}.cc)
  target_link_libraries(${bench} PRIVATE interleave_builtin_models)
endforeach()
add_executable(relacy_bench bench/relacy_bench.cc)
target_link_libraries(relacy_bench PRIVATE interleave_builtin_models interleave_builtin_relacy)

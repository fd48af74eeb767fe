# interleave's own tests, as in the BUILD files (tests/, testing/, cli/,
# examples/, checks/, tests/user_cli/), registered with CTest. The shell tests
# of tests/ and checks/macro_failure_test.sh drive Bazel-built binaries and
# stay with Bazel; tests/user_cli/user_cli_test.sh runs here too.
find_package(Catch2 REQUIRED)
find_package(GTest REQUIRED)

# The one Catch2 main every Catch2 test links.
add_library(interleave_catch_main STATIC tests/catch_main.cc)
target_link_libraries(interleave_catch_main PUBLIC Catch2::Catch2 interleave)

# interleave_catch_test(NAME SOURCE [LIBRARIES...]): a Catch2 test with the
# built-in models at hand, run from the source root.
function(interleave_catch_test name source)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE interleave_catch_main interleave_builtin_models ${ARGN})
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

foreach(test
    builtin_verdicts_test condition_variable_test debugger_aid_test determinism_test
    block_sleep_test dfs_counts_test dpor_test explain_test failures_test json_report_test
    lazy_check_test
    list_models_test main_context_exception_test native_test parallel_test param_key_test
    progress_test
    portfolio_test queue_models_test race_detection_test schedule_test shard_test shrink_test
    spin_classics_test spin_wait_test std_like_sync_test std_like_test strategies_test
    thread_limit_test)
  interleave_catch_test(${test} tests/${test}.cc)
endforeach()
target_link_libraries(json_report_test PRIVATE nlohmann_json::nlohmann_json)
interleave_catch_test(relacy_crosscheck_test tests/relacy_crosscheck_test.cc interleave_builtin_relacy)
interleave_catch_test(numeric_test cli/numeric_test.cc)
interleave_catch_test(catch2_test testing/catch2_test.cc)
interleave_catch_test(bank_test examples/bank_test.cc)
interleave_catch_test(example_std_like_test examples/std_like_test.cc)

# examples/std_like_native_test: the example structures against `sync = std`.
add_executable(std_like_native_test examples/std_like_native_test.cc)
target_compile_definitions(std_like_native_test PRIVATE EXAMPLES_SYNC_STD)
target_link_libraries(std_like_native_test PRIVATE interleave)
add_test(NAME std_like_native_test COMMAND std_like_native_test)

# Its own main (it checks the heap and the exception state around crashes).
add_executable(bad_models_test tests/bad_models_test.cc)
target_link_libraries(bad_models_test PRIVATE Catch2::Catch2 interleave_builtin_models)
add_test(NAME bad_models_test COMMAND bad_models_test WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

add_executable(gtest_matchers_test tests/gtest_matchers_test.cc)
target_link_libraries(gtest_matchers_test PRIVATE interleave_builtin_models GTest::gmock_main)
add_test(NAME gtest_matchers_test COMMAND gtest_matchers_test)

# Programs the Bazel shell tests drive, built here too (the same sources).
add_executable(bad_models_cli tests/bad_models_registry.cc)
target_link_libraries(bad_models_cli PRIVATE interleave_check_main)
add_executable(replay_line_demo testing/replay_line_demo.cc)
target_link_libraries(replay_line_demo PRIVATE interleave_catch_main interleave_builtin_models)
add_executable(bank_check examples/bank_check.cc)
target_link_libraries(bank_check PRIVATE interleave)

# checks/BUILD: every correct built-in model passes every schedule, every
# buggy one has its bug found.
foreach(model counter.locked counter.atomic counter.partitioned list.append_locked
              list.check_then_pop_locked list.index_increment_locked list.linked_push_locked
              queue.blocking queue.locked_ring queue.get_nowait queue.wakeup_loop)
  string(REPLACE "." "_" name ${model})
  interleave_add_check(NAME check_${name} MODEL ${model} REGISTRY interleave_builtin_registry)
endforeach()
foreach(model counter.racy list.check_then_pop list.index_increment list.linked_push
              queue.unlocked_ring queue.empty_then_get queue.missed_wakeup)
  string(REPLACE "." "_" name ${model})
  interleave_add_check(NAME check_${name}_finds_bug MODEL ${model} EXPECT bug
                       REGISTRY interleave_builtin_registry)
endforeach()
interleave_add_check(NAME check_counter_locked_3x2 MODEL counter.locked
                     PARAMS threads=3 iters=2 REGISTRY interleave_builtin_registry)
interleave_add_check(NAME check_counter_atomic_3x3 MODEL counter.atomic
                     PARAMS threads=3 iters=3 REGISTRY interleave_builtin_registry)
interleave_add_check(NAME check_lastzero_6_bounded_plans MODEL litmus.lastzero PARAMS n=6
                     DPOR_PLAN_LIMIT 20 REGISTRY interleave_builtin_registry)

# tests/user_cli: a user's models through the whole command line of their own binary.
add_library(interleave_tickets INTERFACE)
target_include_directories(interleave_tickets INTERFACE ${PROJECT_SOURCE_DIR}/tests/user_cli)
interleave_add_binary(NAME tickets_cli SOURCES tests/user_cli/tickets_registry.cc
                      NAMESPACES tickets LIBRARIES interleave_tickets
                      COMMAND "$<TARGET_FILE:tickets_cli>")
interleave_add_check(NAME tickets_fetch_add_check MODEL tickets.fetch_add
                     REGISTRY tickets_cli_registry)
add_test(NAME user_cli_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/user_cli/user_cli_test.sh
                 $<TARGET_FILE:tickets_cli> $<TARGET_FILE:tickets_cli>)

# tests/BUILD's instrumented tests (docs/instrumented.md): unmodified
# std::thread code compiled with -fsanitize=thread, linked with
# interleave::instrumented instead of libtsan (interleave_add_instrumented_test).
if(INTERLEAVE_INSTRUMENTED)
  # The Catch2 checks of the counters, and of the published algorithms'
  # bugs and fixes: OBJECT libraries, so that their TEST_CASEs are linked.
  # instrumented_test.cc has its own main (Catch2's signal handlers off).
  add_library(instrumented_checks OBJECT tests/instrumented_test.cc)
  target_link_libraries(instrumented_checks PUBLIC Catch2::Catch2 interleave
                                                   interleave_builtin_models
                                                   interleave::instrumented)
  interleave_add_instrumented_test(NAME instrumented_test
                                   SOURCES tests/instrumented/foreign_thread.cc
                                           tests/instrumented/std_atomic_waits.cc
                                           tests/instrumented/std_call_once.cc
                                           tests/instrumented/std_condition_variables.cc
                                           tests/instrumented/std_counters.cc
                                           tests/instrumented/std_shared_mutex.cc
                                           tests/instrumented/std_static_local.cc
                                           tests/instrumented/std_struct_copy.cc
                                           tests/instrumented/std_timed_mutex.cc
                                   TEST_MAIN instrumented_checks)
  interleave_add_instrumented_test(NAME instrumented_racy_check_test
                                   SOURCES tests/instrumented/std_counters.cc
                                   MODEL std_counter_racy EXPECT bug)
  add_library(instrumented_demo_checks OBJECT tests/instrumented_demo_test.cc)
  target_link_libraries(instrumented_demo_checks PUBLIC interleave_catch_main
                                                        interleave::instrumented)
  interleave_add_instrumented_test(NAME instrumented_demo_test
                                   SOURCES tests/instrumented/buffer_pool.cc
                                           tests/instrumented/lazy_init.cc
                                   TEST_MAIN instrumented_demo_checks)
  interleave_add_instrumented_test(NAME instrumented_lazy_init_check_test
                                   SOURCES tests/instrumented/lazy_init.cc
                                   MODEL lazy_init_plain_flag EXPECT bug)
  interleave_add_instrumented_test(NAME instrumented_buffer_pool_check_test
                                   SOURCES tests/instrumented/buffer_pool.cc
                                   MODEL buffer_pool_aba EXPECT bug)
  # No libtsan in the program; its pthread functions are its own.
  add_test(NAME instrumented_no_libtsan_test
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/instrumented_no_libtsan_test.sh
                   $<TARGET_FILE:instrumented_demo_test>)
  # The whole command line over the demo (interleave_add_instrumented_binary):
  # `check` finds the ABA (exit status 1) and `replay` of the schedule it
  # prints reproduces it.
  interleave_add_instrumented_binary(NAME instrumented_demo
                                     SOURCES tests/instrumented/buffer_pool.cc
                                             tests/instrumented/lazy_init.cc)
  add_test(NAME instrumented_demo_cli_test
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/instrumented_demo_cli_test.sh
                   $<TARGET_FILE:instrumented_demo>)
endif()

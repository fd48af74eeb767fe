"""interleave_cc_test / interleave_cc_binary: unmodified C++ under the scheduler.

    load("//rules:instrumented.bzl", "interleave_cc_test")

    interleave_cc_test(
        name = "counter_locked_test",
        srcs = ["counter_locked.cc"],   # INTERLEAVE_INSTRUMENTED_TEST(counter_locked, ...)
        model = "counter_locked",
        strategy = "dfs",
        expect = "pass",
    )

`srcs` are compiled with `-fsanitize=thread` as a compile option only: the
program links interleave's runtime (//instrumented) instead of libtsan, so
their atomics, mutexes and thread starts become the scheduler's operations
and their plain accesses are checked for data races (docs/instrumented.md).
`deps` are compiled as they are (not instrumented: what they do is not seen).

`strategy` defaults to "dfs"; "dpor" works too (it explores every order of
the acquisitions of one mutex and of the other synchronisation operations,
and the plain accesses are checked for data races in each execution; see
docs/instrumented.md).

The test's main is `test_main`: by default //instrumented:check_main, which
checks `model` with `strategy` and passes when the verdict is `expect`, like
interleave_test (rules/interleave_test.bzl), printing the replay command on a
failure. Another test_main (a Catch2 or GoogleTest main with tests of its
own, uninstrumented) gets no args from `model`, `strategy` or `expect`.

interleave_cc_binary links //instrumented:cli_main instead: the whole
command line (list, check, replay, ...) over the instrumented tests.
"""

load("//rules:copts.bzl", "INTERLEAVE_COPTS")

# Compile options of instrumented sources: the instrumentation, and debug
# line tables for the source locations in traces (symbolize.h).
INSTRUMENTED_COPTS = INTERLEAVE_COPTS + ["-fsanitize=thread", "-g"]

def _instrumented_library(name, srcs, deps, testonly):
    native.cc_library(
        name = name,
        srcs = srcs,
        copts = INSTRUMENTED_COPTS,
        testonly = testonly,
        deps = deps + [Label("//instrumented")],
        alwayslink = True,
    )

def interleave_cc_test(name, srcs, deps = [], model = None, strategy = "dfs",
                       expect = "pass", test_main = None, args = [], **kwargs):
    _instrumented_library(name + "_instrumented", srcs, deps, testonly = True)
    if test_main == None:
        test_main = Label("//instrumented:check_main")
        if model == None:
            fail("interleave_cc_test %s: the default test_main needs a model" % name)
        args = ["--model", model, "--strategy", strategy, "--expect", expect,
                "--replay-command",
                "'bazel run //%s:%s -- replay'" % (native.package_name(), name)] + args
    native.cc_test(
        name = name,
        args = args,
        # One executable: its pthread functions take over from libc's for
        # every library (shared libraries of ours would work too, but the
        # program is then not one file to look at).
        linkstatic = True,
        deps = [":" + name + "_instrumented", test_main],
        **kwargs
    )

def interleave_cc_binary(name, srcs, deps = [], **kwargs):
    _instrumented_library(name + "_instrumented", srcs, deps,
                          testonly = kwargs.get("testonly", False))
    native.cc_binary(
        name = name,
        linkstatic = True,
        deps = [":" + name + "_instrumented", Label("//instrumented:cli_main")],
        **kwargs
    )

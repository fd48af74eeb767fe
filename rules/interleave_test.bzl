"""interleave_test: an exhaustive check of one model, as an ordinary cc_test.

    load("//rules:interleave_test.bzl", "interleave_test")

    interleave_test(
        name = "counter_locked_3x2",
        model = "counter.locked",
        registry = "//models:interleave_models",   # defines interleave_models()
        params = {"threads": 3, "iters": 2},
    )

The test passes when the check's verdict is `expect` ("pass": no bug in any
schedule; "bug": a bug is found). When it fails, its log holds the trace and
the command that replays the failing schedule locally:

    bazel run //pkg:name -- replay 'model:params:v1:choices'

`registry` is a cc_library whose sources define
`const interleave::Registry& interleave_models();` with the model registered.

`executions` and `seconds` (0: none) bound the check. A check they stop
before it has explored every schedule fails the test, with a line naming the
budget to raise: an incomplete check neither passes nor finds the bug.
`max_steps` (0: the default) bounds each execution.

`shard_count = K` splits the exhaustive search into K disjoint parts that
Bazel runs as K shards of the test, in parallel locally or on remote
executors (Bazel's TEST_TOTAL_SHARDS / TEST_SHARD_INDEX protocol; each shard
is `check --shard I/K`). The parts' executions add up to the unsharded count.
It works with `strategy = "dpor"` (the default), `"dfs"` or `"bounded"` and
needs `expect = "pass"` (a bug lies in one shard's part only).

`jobs = N` explores on N cores (strategy "dpor", "dfs", "bounded" or "iterative"):
the same counts, verdict and reported failure as one core, in less time.
The test then reserves N cores (the "cpu:N" tag), so Bazel runs fewer tests
beside it. Without it a check uses one core, as Bazel expects of a test.

`dpor_plan_limit = N` bounds DPOR's wakeup trees to N planned steps (0: no
bound; default 1,048,576): the check stays exhaustive, with more executions
cut short past the bound (docs/reference.md, "DPOR's memory").
"""

def interleave_test(name, model, registry, params = {}, strategy = "dpor", expect = "pass",
                    executions = 0, seconds = 0, max_steps = 0, shard_count = 0, jobs = 0,
                    dpor_plan_limit = None, **kwargs):
    if shard_count:
        if strategy not in ["dpor", "dfs", "bounded"]:
            fail("interleave_test %s: shard_count needs strategy = \"dpor\", \"dfs\" or " % name +
                 "\"bounded\", not \"%s\"" % strategy)
        if expect != "pass":
            fail("interleave_test %s: shard_count needs expect = \"pass\" " % name +
                 "(a bug lies in one shard's part only)")
        kwargs["shard_count"] = shard_count
    if jobs > 1:
        if strategy not in ["dpor", "dfs", "bounded", "iterative", "random", "pct"]:
            fail("interleave_test %s: jobs needs strategy = \"dpor\", \"dfs\", " % name +
                 "\"bounded\", \"iterative\", \"random\" or \"pct\", not \"%s\"" % strategy)
        kwargs["tags"] = kwargs.get("tags", []) + ["cpu:%d" % jobs]
    args = ["--model", model, "--strategy", strategy, "--expect", expect]
    for key, value in params.items():
        args += ["--param", "%s=%d" % (key, value)]
    if executions:
        args += ["--executions", "%d" % executions]
    if seconds:
        args += ["--seconds", str(seconds)]
    if max_steps:
        args += ["--max-steps", "%d" % max_steps]
    if jobs:
        args += ["--jobs", "%d" % jobs]
    if dpor_plan_limit != None:
        if strategy != "dpor":
            fail("interleave_test %s: dpor_plan_limit needs strategy = \"dpor\"" % name)
        args += ["--dpor-plan-limit", "%d" % dpor_plan_limit]
    args += ["--replay-command", "'bazel run //%s:%s -- replay'" % (native.package_name(), name)]
    native.cc_test(
        name = name,
        args = args,
        deps = [
            registry,
            Label("//cli:check_main"),
        ],
        **kwargs
    )

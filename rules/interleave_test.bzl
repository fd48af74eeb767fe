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
"""

def interleave_test(name, model, registry, params = {}, strategy = "dpor", expect = "pass", **kwargs):
    args = ["--model", model, "--strategy", strategy, "--expect", expect]
    for key, value in params.items():
        args += ["--param", "%s=%d" % (key, value)]
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

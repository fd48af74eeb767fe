"""The compiler options every interleave C++ target is built with.

They travel with the targets, so a workspace that depends on interleave needs
no .bazelrc: `-std=c++20` here comes after Bazel's default `-std=c++0x` (and
after any --cxxopt) on each compile line, so it wins. Code of your own that
includes <interleave/interleave.h> needs C++20 too:

    load("@interleave//rules:copts.bzl", "INTERLEAVE_COPTS")

    cc_test(name = "my_model_test", copts = INTERLEAVE_COPTS, ...)
"""

INTERLEAVE_COPTS = ["-std=c++20"]

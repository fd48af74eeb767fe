"""interleave_dependencies(): every repository interleave needs, from Debian packages.

A workspace that uses interleave (see examples/consumer_bazel/WORKSPACE):

    local_repository(name = "interleave", path = "/path/to/interleave")

    load("@interleave//:deps.bzl", "interleave_dependencies")

    interleave_dependencies()

Each repository is declared only if the workspace has not declared one of that
name already, so a workspace can bring its own (with the same target names).
Nothing downloads: the system libraries are `new_local_repository`s over
/usr/include (tools/setup.sh installs the packages), and two small stand-ins
replace what Bazel 4.2.3 would otherwise fetch (rules_cc, remote_coverage_tools).
The repository must be named "interleave" (its BUILD files refer to each other
as @interleave//...; within interleave itself that is the main repository).
"""

def _stub_repository_impl(ctx):
    ctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % ctx.name)
    for label, path in ctx.attr.files.items():
        ctx.symlink(label, path)
    for path, content in ctx.attr.generated.items():
        ctx.file(path, content)

# A repository made of files of this one (symlinked) and small generated ones.
_stub_repository = repository_rule(
    implementation = _stub_repository_impl,
    attrs = {
        # Files of this repository, by label, and where each goes in the new one.
        "files": attr.label_keyed_string_dict(allow_files = True),
        # Path -> content of files written into the new repository.
        "generated": attr.string_dict(),
    },
    local = True,
)

def _declare(rule, name, **kwargs):
    if name not in native.existing_rules():
        rule(name = name, **kwargs)

# System libraries: repository name -> (directory, BUILD file in //third_party).
# Each is exposed as narrowly as possible (a whole /usr/include/boost would make
# every sandboxed compile scan 14k files).
_SYSTEM_LIBRARIES = {
    "boost_context": "/usr/include/boost/context",
    "catch2": "/usr/include/catch2",
    "relacy": "/usr/include/relacy",
    "cli11": "/usr/include/CLI",
    "fmt": "/usr/include/fmt",
    "benchmark": "/usr/include/benchmark",
    "nlohmann_json": "/usr/include/nlohmann",
    "gtest": "/usr/include/gtest",
    "gmock": "/usr/include/gmock",
}

def interleave_dependencies():
    """Declares every repository interleave's targets use (see the top of this file)."""

    # Bazel's built-in WORKSPACE suffix would download rules_cc; a forwarder to
    # the native rules takes its place (Debian's bazel-rules-cc is too new for 4.2.3).
    _declare(
        _stub_repository,
        name = "rules_cc",
        files = {Label("//third_party:rules_cc_defs.bzl"): "cc/defs.bzl"},
        generated = {
            "BUILD": "# Stand-in for rules_cc: forwards to Bazel 4.2.3's native C++ rules (offline).\n",
            "cc/BUILD": "exports_files([\"defs.bzl\"])\n",
        },
    )

    # Wanted by the registered JDK toolchains; Debian's bazel-rules-java ships it.
    _declare(
        native.local_repository,
        name = "rules_java",
        path = "/usr/share/bazel/rules/java",
    )

    # Every cc_test names @remote_coverage_tools (a download). A stub stands in;
    # `bazel coverage` is therefore unavailable.
    _declare(
        _stub_repository,
        name = "remote_coverage_tools",
        files = {Label("//third_party:remote_coverage_tools.BUILD"): "BUILD"},
    )

    for name, path in _SYSTEM_LIBRARIES.items():
        _declare(
            native.new_local_repository,
            name = name,
            build_file = str(Label("//third_party:%s.BUILD" % name)),
            path = path,
        )

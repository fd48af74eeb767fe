// Source locations for the instrumented runtime: from a return address in
// the program to the file and line of the user's code that made the call,
// and from a data address to the name of the global variable there.
// Uses libbacktrace (GCC's, /usr/lib/gcc/<triple>/<version>/libbacktrace.a)
// over the program's own DWARF line tables. A program without them (Bazel's
// fastbuild strips them at link unless --strip=never, which .bazelrc sets)
// gets its module and offset as the file name ("prog+0x1845") and line 0.
#pragma once

#include <source_location>

namespace interleave::instrumented {

// Where the instruction before `return_address` (a call) is written: the
// innermost inlined frame outside the system headers (/usr/...), so that a
// std::atomic<int>::fetch_add inlined into the user's function is placed on
// the user's line. Cached per address; safe on several OS threads at once.
std::source_location location_of(const void* return_address);

// Where the user's code that led to this call is: the innermost frame of
// the calling stack, skipping the runtime, outside the system headers and
// shared libraries (for pthread_create, which libstdc++ calls). Walks the
// stack: for rare operations (thread start and join) only.
std::source_location caller_location();

// The name of the global or static variable holding `address` (with
// "+offset" past its start), or `fallback` when there is none (a heap or
// stack object). Interned: the pointer stays valid for the program's life.
const char* name_of(const void* address, const char* fallback);

}  // namespace interleave::instrumented

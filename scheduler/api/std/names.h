// Default names of std_like objects in traces.
//
// A std_like object built without a name is named by its type and where it was
// built: `atomic@spsc.h:42` (the file's base name and the line of the
// constructor call, from std::source_location). The runtime keeps names as
// `const char*`, so the text must live as long as the process: it is interned
// in a table keyed by (type, file, line), built once per key and never freed.
// A lookup takes a lock and a hash probe, with no allocation once the key is
// known; it happens when an object is constructed inside an execution, never
// per operation. Natively (no execution) nothing is interned: an object is
// named by its type alone, which nothing shows.
//
// Every std_like type also has `name(const char*)` to rename it (a string
// literal, or any text that outlives the model) and `name()` to read it.
#pragma once

#include <source_location>
#include <string_view>

#include "scheduler/runtime/execution.h"

namespace interleave::std_like::detail {

// "<type>@<file base name>:<line>", interned: the same pointer for the same
// (type, file, line) for the life of the process. `type` must be a string
// literal. Thread-safe.
const char* located_name(const char* type, const std::source_location& location);

// `text`, interned: stable storage with the same content for the life of the
// process (one copy per distinct text). For names built at run time, such as
// the "<name>.notify" of an atomic renamed to <name>. Thread-safe.
const char* intern(std::string_view text);

// The name an object of kind `type` built at `location` starts with: the
// located name inside an execution, `type` outside one.
inline const char* default_name(const char* type, const std::source_location& location) {
  return Execution::current() != nullptr ? located_name(type, location) : type;
}

}  // namespace interleave::std_like::detail

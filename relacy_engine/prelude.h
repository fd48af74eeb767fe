// The start of a translation unit that compiles a registry's models for the
// Relacy engine. Such a unit is
//
//   #include "relacy_engine/prelude.h"
//   #define <each namespace of the models> <that name>_relacy
//   #define Registry RelacyModelCollector
//   #define interleave_models interleave_relacy_collected_models
//   #include "<the registry's source>"
//   #undef ...
//   INTERLEAVE_RELACY_MODELS(interleave_relacy_collected_models)
//
// (rules/interleave.bzl's interleave_binary generates it; relacy_engine/
// builtin.cc is the built-in models' one). The renamed namespaces keep
// every mangled name of this unit apart from the scheduler's build of the
// same models; `Registry` becomes the ModelCollector, whose add<M>()
// records how to run M under Relacy.
//
// Everything the models may include from the standard library and {fmt} is
// included here first, before the renaming macros can touch any header.
#pragma once

#ifndef INTERLEAVE_ENGINE_RELACY
#define INTERLEAVE_ENGINE_RELACY
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "scheduler/api/interleave.h"  // relacy_engine/api.h, scheduler/api/model.h, scheduler/api/params.h
// A registry source includes this; it must be seen once before `Registry`
// is renamed (its include guard then keeps it out).
#include "scheduler/api/registry.h"
#include "relacy_engine/collector.h"

namespace interleave {
using RelacyModelCollector = relacy_engine::ModelCollector;
}

// Defines `const interleave::RelacyModels& interleave_relacy_models()` over
// the models the registry function `collect` (renamed) registers.
#define INTERLEAVE_RELACY_MODELS(collect)                                        \
  const ::interleave::RelacyModels& interleave_relacy_models() {                 \
    static const std::unique_ptr<::interleave::RelacyModels> models =            \
        ::interleave::make_relacy_models(collect());                             \
    return *models;                                                              \
  }

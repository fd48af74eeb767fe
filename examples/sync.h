// Which `sync::` the example data structures (spsc_ring.h, lru_cache.h) are
// written against, switched by one macro:
//
//   EXAMPLES_SYNC_STD defined   sync = std                  (plain C++, TSan)
//   otherwise                   sync = interleave::std_like (checked by interleave,
//                                                            std types natively)
//
// Each choice gets its own namespace (examples::std_sync or
// examples::interleave_sync, named by EXAMPLES_SYNC_NS), so two programs, or
// two translation units of one, may use both without two different
// definitions of one class.
#pragma once

#ifdef EXAMPLES_SYNC_STD
#include <atomic>
#include <mutex>
#include <thread>
#define EXAMPLES_SYNC_NS std_sync
namespace examples::std_sync {
namespace sync = ::std;
}
#else
#include <interleave/std.h>
#define EXAMPLES_SYNC_NS interleave_sync
namespace examples::interleave_sync {
namespace sync = ::interleave::std_like;
}
#endif

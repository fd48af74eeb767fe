// Telling AddressSanitizer about fiber switches. ASan keeps track of the
// stack each OS thread runs on; when the scheduler moves to a fiber's stack
// it must be told, or it takes the fiber's frames for overflows of the
// thread's own stack and reports errors that are not there. Every switch in
// execution.cc is wrapped as the sanitizer interface asks:
//
//   fiber_sanitizer::leaving(to_bottom, to_size);   // before the switch
//   ... resume() ...
//   fiber_sanitizer::arrived();                      // first thing after it
//
// and a fiber's entry calls arrived() too. Jumps that skip frames (a crash
// abandoning a fiber, an escape from the main context) leave those frames'
// redzones marked: forget_frames() clears them before the stack is used again.
// Fake stacks (detect_stack_use_after_return) are not tracked: the interface
// allows null for them when that detection is off, and it is off in
// --config=asan. Without ASan every function here is empty.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define INTERLEAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INTERLEAVE_ASAN 1
#endif
#endif

#if defined(INTERLEAVE_ASAN)
#include <pthread.h>
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

// Marks a function whose memory reads AddressSanitizer must not check: the
// spin detector reads a model thread's stack frames whole, redzones included.
#if defined(INTERLEAVE_ASAN)
#define INTERLEAVE_NO_SANITIZE_ADDRESS __attribute__((no_sanitize("address")))
#else
#define INTERLEAVE_NO_SANITIZE_ADDRESS
#endif

namespace interleave::fiber_sanitizer {

// About to switch to the stack [bottom, bottom + size).
inline void leaving([[maybe_unused]] const void* bottom, [[maybe_unused]] size_t size) {
#if defined(INTERLEAVE_ASAN)
  __sanitizer_start_switch_fiber(nullptr, bottom, size);
#endif
}

// Now running on the stack switched to.
inline void arrived() {
#if defined(INTERLEAVE_ASAN)
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
}

// The calling OS thread's own stack (the main context's), for the switches
// back to it; left as is without ASan.
inline void this_thread_stack([[maybe_unused]] const void** bottom,
                              [[maybe_unused]] size_t* size) {
#if defined(INTERLEAVE_ASAN)
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* address = nullptr;
  size_t bytes = 0;
  if (pthread_attr_getstack(&attr, &address, &bytes) == 0) {
    *bottom = address;
    *size = bytes;
  }
  pthread_attr_destroy(&attr);
#endif
}

// Clears the redzones of frames that will never return: a stack about to be
// reused for a new fiber (an abandoned thread's frames are still marked), or
// the main context's stack before a jump over model frames (escape.h).
inline void forget_frames([[maybe_unused]] const void* bottom, [[maybe_unused]] size_t size) {
#if defined(INTERLEAVE_ASAN)
  if (bottom != nullptr) __asan_unpoison_memory_region(bottom, size);
#endif
}

}  // namespace interleave::fiber_sanitizer

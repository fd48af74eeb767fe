// A struct copied while another thread writes one of its fields: the copy
// is a memcpy (or a range the compiler reports at once), which g++ leaves
// to libc, uninstrumented. interleave's runtime takes each byte of such a
// copy as an access, so the field written at offset 4 meets the copy's
// read there: a data race, found and replayed; under a mutex, a pass.
#include <cstddef>
#include <cstring>
#include <mutex>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

struct Settings {
  int retries = 3;
  int timeout_ms = 250;
  char host[56] = "db.internal";
};

// The size, read at run time: the copy below stays a call of libc's memcpy.
volatile size_t g_settings_size = sizeof(Settings);

}  // namespace

INTERLEAVE_INSTRUMENTED_TEST(std_struct_copy_racy, "a struct copied while a field is written") {
  Settings shared, seen;
  std::thread reader([&] { std::memcpy(&seen, &shared, g_settings_size); });
  std::thread writer([&] { shared.timeout_ms = 500; });
  reader.join();
  writer.join();
}

INTERLEAVE_INSTRUMENTED_TEST(std_struct_copy_locked, "the same copy and write under one mutex") {
  Settings shared, seen;
  std::mutex m;
  std::thread reader([&] {
    std::lock_guard<std::mutex> hold(m);
    std::memcpy(&seen, &shared, g_settings_size);
  });
  std::thread writer([&] {
    std::lock_guard<std::mutex> hold(m);
    shared.timeout_ms = 500;
  });
  reader.join();
  writer.join();
  INTERLEAVE_CHECK(seen.timeout_ms == 250 || seen.timeout_ms == 500, "torn copy: {}",
                   seen.timeout_ms);
}

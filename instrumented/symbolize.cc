#include "instrumented/symbolize.h"

#include <backtrace.h>
#include <dlfcn.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

namespace interleave::instrumented {

namespace {

// A lock that never calls pthread_mutex_lock, which the runtime interposes
// (a model thread taking it would make a scheduling point of the lookup).
class SpinLock {
 public:
  void lock() {
    while (flag_.test_and_set(std::memory_order_acquire)) {
    }
  }
  void unlock() { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

class Guard {
 public:
  explicit Guard(SpinLock& lock) : lock_(lock) { lock_.lock(); }
  ~Guard() { lock_.unlock(); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  SpinLock& lock_;
};

// libstdc++'s std::source_location is one pointer to this record (checked
// below by size); the runtime builds records of its own for addresses.
struct LocationRecord {
  const char* file;
  const char* function;
  unsigned line;
  unsigned column;
};
static_assert(sizeof(std::source_location) == sizeof(const LocationRecord*),
              "this std::source_location is not libstdc++'s pointer to a record");

struct Symbolizer {
  // Serialises every table below.
  SpinLock lock;
  // libbacktrace's state for this program; nullptr until first use.
  backtrace_state* state = nullptr;
  // Interned strings and records (deque: addresses never move).
  std::deque<std::string> strings;
  std::deque<LocationRecord> records;
  // Return address -> location, data address -> name.
  std::unordered_map<uintptr_t, std::source_location> locations;
  std::unordered_map<uintptr_t, const char*> names;
  // "file:line" of a caller_location() -> its location.
  std::unordered_map<std::string, std::source_location> callers;
};

Symbolizer& symbolizer() {
  static Symbolizer* s = new Symbolizer;  // never destroyed: used until exit
  return *s;
}

void ignore_error(void*, const char*, int) {}

backtrace_state* state_of(Symbolizer& s) {
  if (s.state == nullptr) s.state = backtrace_create_state(nullptr, /*threaded=*/1, ignore_error, nullptr);
  return s.state;
}

bool system_file(const char* file) {
  return file == nullptr || std::strncmp(file, "/usr/", 5) == 0;
}

// What the frames of one pc (innermost inlined frame first) give.
struct Frames {
  const char* file = nullptr;      // the first frame outside system headers
  const char* function = nullptr;
  int line = 0;
  const char* inner_file = nullptr;  // the innermost frame, as a fallback
  const char* inner_function = nullptr;
  int inner_line = 0;
};

int take_frame(void* data, uintptr_t, const char* file, int line, const char* function) {
  auto* f = static_cast<Frames*>(data);
  if (f->inner_file == nullptr && file != nullptr) {
    f->inner_file = file;
    f->inner_function = function;
    f->inner_line = line;
  }
  if (!system_file(file)) {
    f->file = file;
    f->function = function;
    f->line = line;
    return 1;  // found: stop
  }
  return 0;
}

const char* intern(Symbolizer& s, std::string text) {
  return s.strings.emplace_back(std::move(text)).c_str();
}

std::source_location make_location(Symbolizer& s, const char* file, const char* function,
                                   int line) {
  std::string_view shown = file;
  if (shown.starts_with("./")) shown.remove_prefix(2);
  LocationRecord& r = s.records.emplace_back(LocationRecord{
      intern(s, std::string(shown)), intern(s, function != nullptr ? function : ""),
      static_cast<unsigned>(line), 0});
  const LocationRecord* p = &r;
  std::source_location location;
  std::memcpy(static_cast<void*>(&location), &p, sizeof p);
  return location;
}

// Locked: the location of the call before `pc`.
std::source_location locate(Symbolizer& s, uintptr_t pc) {
  auto found = s.locations.find(pc);
  if (found != s.locations.end()) return found->second;
  Frames f;
  if (backtrace_state* state = state_of(s)) {
    backtrace_pcinfo(state, pc - 1, take_frame, ignore_error, &f);
  }
  std::source_location location;
  if (f.file != nullptr) {
    location = make_location(s, f.file, f.function, f.line);
  } else if (f.inner_file != nullptr) {
    location = make_location(s, f.inner_file, f.inner_function, f.inner_line);
  } else {
    // No line tables (a stripped program): the module and offset, which do
    // not change from run to run as the address does.
    Dl_info info;
    std::string place = fmt::format("{:#x}", pc);
    if (dladdr(reinterpret_cast<const void*>(pc), &info) != 0 && info.dli_fname != nullptr) {
      std::string_view module = info.dli_fname;
      module.remove_prefix(module.rfind('/') == std::string_view::npos ? 0 : module.rfind('/') + 1);
      place = fmt::format("{}+{:#x}", module, pc - reinterpret_cast<uintptr_t>(info.dli_fbase));
    }
    location = make_location(s, intern(s, std::move(place)), "", 0);
  }
  s.locations.emplace(pc, location);
  return location;
}

// backtrace_full: the first frame in the user's code.
struct Search {
  Frames frames;
  bool found = false;
};

int take_stack_frame(void* data, uintptr_t, const char* file, int line, const char* function) {
  auto* search = static_cast<Search*>(data);
  if (search->found || file == nullptr || system_file(file) ||
      std::strstr(file, "instrumented/runtime.cc") != nullptr ||
      std::strstr(file, "instrumented/symbolize.cc") != nullptr) {
    return 0;
  }
  search->frames.file = file;
  search->frames.function = function;
  search->frames.line = line;
  search->found = true;
  return 1;
}

void take_name(void* data, uintptr_t address, const char* symbol, uintptr_t value, uintptr_t) {
  auto* out = static_cast<std::string*>(data);
  if (symbol == nullptr) return;
  *out = address == value ? std::string(symbol) : fmt::format("{}+{}", symbol, address - value);
}

}  // namespace

std::source_location location_of(const void* return_address) {
  Symbolizer& s = symbolizer();
  Guard guard(s.lock);
  return locate(s, reinterpret_cast<uintptr_t>(return_address));
}

std::source_location caller_location() {
  Symbolizer& s = symbolizer();
  Guard guard(s.lock);
  Search search;
  if (backtrace_state* state = state_of(s)) {
    backtrace_full(state, /*skip=*/1, take_stack_frame, ignore_error, &search);
  }
  if (!search.found) return make_location(s, "(unknown)", "", 0);
  // Interned per (file, line): a thread start in a loop makes one record.
  std::string key = fmt::format("{}:{}", search.frames.file, search.frames.line);
  auto found = s.callers.find(key);
  if (found != s.callers.end()) return found->second;
  std::source_location location =
      make_location(s, search.frames.file, search.frames.function, search.frames.line);
  s.callers.emplace(std::move(key), location);
  return location;
}

const char* name_of(const void* address, const char* fallback) {
  // Heap and stack objects have no symbol (and would fill the cache).
  Dl_info info;
  if (dladdr(address, &info) == 0) return fallback;
  Symbolizer& s = symbolizer();
  Guard guard(s.lock);
  const auto key = reinterpret_cast<uintptr_t>(address);
  auto found = s.names.find(key);
  if (found != s.names.end()) return found->second;
  std::string name;
  if (backtrace_state* state = state_of(s)) {
    backtrace_syminfo(state, key, take_name, ignore_error, &name);
  }
  const char* interned = name.empty() ? fallback : intern(s, std::move(name));
  s.names.emplace(key, interned);
  return interned;
}

}  // namespace interleave::instrumented

#include "scheduler/api/std/names.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

namespace interleave::std_like::detail {
namespace {

// A name's key: the type literal and the source_location's file literal by
// address (the same text at two addresses only makes two equal entries).
struct Key {
  const char* type;
  const char* file;
  uint_least32_t line;
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  size_t operator()(const Key& key) const {
    size_t h = std::hash<const void*>{}(key.type);
    h = h * 31 + std::hash<const void*>{}(key.file);
    return h * 31 + key.line;
  }
};

// Every name built so far. Nodes of an unordered_map never move, so the
// strings' buffers stay where they are.
struct Table {
  std::mutex lock;
  std::unordered_map<Key, std::string, KeyHash> names;
  // Texts interned by intern(); set nodes never move either, and
  // std::less<> finds a string_view without building a string.
  std::set<std::string, std::less<>> texts;
};

Table& table() {
  static Table* t = new Table;  // never destroyed: names outlive every model
  return *t;
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

const char* located_name(const char* type, const std::source_location& location) {
  Key key{type, location.file_name(), location.line()};
  Table& t = table();
  std::lock_guard hold(t.lock);
  auto [it, inserted] = t.names.try_emplace(key);
  if (inserted) {
    it->second = fmt::format("{}@{}:{}", type, base_name(location.file_name()), location.line());
  }
  return it->second.c_str();
}

const char* intern(std::string_view text) {
  Table& t = table();
  std::lock_guard hold(t.lock);
  auto found = t.texts.find(text);
  if (found == t.texts.end()) found = t.texts.emplace(text).first;
  return found->c_str();
}

}  // namespace interleave::std_like::detail

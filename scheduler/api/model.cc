#include "scheduler/api/model.h"

#include <fmt/format.h>

namespace interleave {

std::string spec_problem(const ModelSpec& spec) {
  if (spec.name.empty()) return "a model has an empty name";
  for (char c : spec.name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return fmt::format("model name '{}' has the character '{}'", spec.name, c);
  }
  for (size_t i = 0; i < spec.params.size(); ++i) {
    const ParamSpec& p = spec.params[i];
    if (p.name.empty()) return fmt::format("{} has a parameter with an empty name", spec.name);
    if (p.key.empty()) return fmt::format("{}: parameter {} has an empty key", spec.name, p.name);
    for (char c : p.key) {
      if (c < 'a' || c > 'z') {
        return fmt::format("{}: key '{}' of parameter {} must be lowercase letters only",
                           spec.name, p.key, p.name);
      }
    }
    if (!(p.min <= p.default_value && p.default_value <= p.max)) {
      return fmt::format("{}: parameter {} needs min <= default <= max", spec.name, p.name);
    }
    for (size_t j = 0; j < i; ++j) {
      if (spec.params[j].name == p.name) {
        return fmt::format("{} declares parameter {} twice", spec.name, p.name);
      }
      if (spec.params[j].key == p.key) {
        return fmt::format("{}: parameters {} and {} share the key '{}'", spec.name,
                           spec.params[j].name, p.name, p.key);
      }
    }
  }
  return "";
}

}  // namespace interleave

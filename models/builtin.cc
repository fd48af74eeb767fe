#include "models/builtin.h"

#include "models/counter.h"

namespace models {

const interleave::Registry& builtin() {
  static const interleave::Registry registry = [] {
    interleave::Registry r;
    r.add<CounterRacy>();
    r.add<CounterLocked>();
    r.add<CounterAtomic>();
    r.add<CounterPartitioned>();
    return r;
  }();
  return registry;
}

}  // namespace models

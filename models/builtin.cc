#include "models/builtin.h"

#include "models/counter.h"
#include "models/crowd.h"
#include "models/list.h"
#include "models/litmus.h"
#include "models/queue.h"
#include "models/relaxed.h"

namespace models {

const interleave::Registry& builtin() {
  static const interleave::Registry registry = [] {
    interleave::Registry r;
    r.add<CounterRacy>();
    r.add<CounterLocked>();
    r.add<CounterAtomic>();
    r.add<CounterPartitioned>();
    r.add<ListAppendLocked>();
    r.add<ListCheckThenPop>();
    r.add<ListCheckThenPopLocked>();
    r.add<ListIndexIncrement>();
    r.add<ListIndexIncrementLocked>();
    r.add<ListLinkedPush>();
    r.add<ListLinkedPushLocked>();
    r.add<QueueBlocking>();
    r.add<QueueUnlockedRing>();
    r.add<QueueLockedRing>();
    r.add<QueueEmptyThenGet>();
    r.add<QueueGetNowait>();
    r.add<QueueMissedWakeup>();
    r.add<QueueWakeupLoop>();
    r.add<Inc>();
    r.add<Readers>();
    r.add<LastZero>();
    r.add<CrowdRacy>();
    r.add<CrowdLocked>();
    // Bugs that need relaxed memory: found by Relacy, not under sequential consistency.
    r.add<MessagePassingRelaxed>();
    r.add<MessagePassingAcqRel>();
    r.add<DekkerAcqRel>();
    r.add<DekkerSeqCst>();
    return r;
  }();
  return registry;
}

}  // namespace models

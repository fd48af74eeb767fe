// The registry of the tickets models: what interleave_binary and
// interleave_test find them by.
#include "scheduler/api/registry.h"
#include "tests/user_cli/tickets.h"

const interleave::Registry& interleave_models() {
  static const interleave::Registry registry = [] {
    interleave::Registry r;
    r.add<tickets::TicketsRacy>();
    r.add<tickets::TicketsFetchAdd>();
    return r;
  }();
  return registry;
}

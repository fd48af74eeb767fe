// A schedule: the sequence of scheduling choices of one execution, with the
// model and parameters it belongs to. Its string form replays that execution
// exactly, on any machine:
//
//   counter.racy:t2,i1:v1:0101
//   ^model       ^params ^format version
//                          ^choices: the thread that performs each step,
//                           one base-36 digit per step (0-9, a-z)
//
// A run of n >= 5 steps by one thread is written with a count: "0{12}" is
// thread 0 for twelve steps. A step whose operation took an outcome other
// than its first (Execution::choose(): a notify_one that woke another waiter
// than the longest, a spurious wakeup) has it after a slash: "2/1" is thread
// 2, outcome 1. Parameters are (short key, value) pairs in the model's
// declaration order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler/api/expected.h"
#include "scheduler/runtime/thread_set.h"

namespace interleave {

struct Schedule {
  static constexpr int kFormatVersion = 1;

  // Registered model name, e.g. "counter.racy".
  std::string model;
  // (short key, value) of every model parameter, e.g. {"t", 2}, {"i", 1}.
  std::vector<std::pair<std::string, int64_t>> params;
  // The thread that performs each step, in order.
  std::vector<ThreadId> choices;
  // The outcome each step's operation took (0 for most); shorter than
  // `choices` (or empty) when the steps beyond have outcome 0.
  std::vector<uint8_t> alternatives;

  std::string to_string() const;

  // Parses the string form. Errors say what is malformed, in one line.
  // Whether the schedule fits a model is checked when it is replayed.
  static Expected<Schedule> parse(std::string_view text);
};

}  // namespace interleave

// CLI11 options that read their value through cli/numeric.h: the way every
// numeric option of `interleave` and of the interleave_test main is
// declared, so each one follows the same rules and errors.
//
//   uint64_t executions = 0;
//   add_count(check, "--executions", executions, 1, cli::kMaxCount, "stop after N executions");
//
// A bad value makes app.parse() throw CLI::ValidationError with numeric.h's
// one-line message. option->count() says whether the option was given.
#pragma once

#include <sched.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "cli/numeric.h"

namespace interleave::cli {

// An integer option in min..max (parse_count). T is any integer type
// that holds max.
template <class T>
CLI::Option* add_count(CLI::App* app, const std::string& name, T& target, uint64_t min,
                       uint64_t max, const std::string& help) {
  return app
      ->add_option_function<std::string>(
          name,
          [name, &target, min, max](const std::string& text) {
            auto value = parse_count(name, text, min, max);
            if (!value) throw CLI::ValidationError(value.error());
            target = static_cast<T>(*value);
          },
          help)
      ->type_name("N");
}

// A seconds option in min..max (parse_seconds).
inline CLI::Option* add_seconds(CLI::App* app, const std::string& name, double& target,
                                const std::string& help, double min = kMinSeconds,
                                double max = kMaxSeconds) {
  return app
      ->add_option_function<std::string>(
          name,
          [name, &target, min, max](const std::string& text) {
            auto value = parse_seconds(name, text, min, max);
            if (!value) throw CLI::ValidationError(value.error());
            target = *value;
          },
          help)
      ->type_name("S");
}

// An output file option (--json FILE): not empty.
inline CLI::Option* add_output_file(CLI::App* app, const std::string& name, std::string& target,
                                    const std::string& help) {
  return app
      ->add_option_function<std::string>(
          name,
          [name, &target](const std::string& text) {
            auto value = parse_output_file(name, text);
            if (!value) throw CLI::ValidationError(value.error());
            target = *value;
          },
          help)
      ->type_name("FILE");
}

// --shard I/K (parse_shard) into `index` and `count`.
inline CLI::Option* add_shard(CLI::App* app, int& index, int& count, const std::string& help) {
  return app
      ->add_option_function<std::string>(
          "--shard",
          [&index, &count](const std::string& text) {
            auto value = parse_shard(text);
            if (!value) throw CLI::ValidationError(value.error());
            index = value->first;
            count = value->second;
          },
          help)
      ->type_name("I/K");
}

// The cores this process may run on (its CPU affinity), at least 1: the
// default of --jobs.
inline int available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace interleave::cli

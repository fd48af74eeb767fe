// The fuzz targets linked into fuzz/fuzzer.cc, one per kind of input; each
// takes the whole fuzz input and checks its own contract (fuzz/contract.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace interleave::fuzz {

// Schedule strings (parse / to_string round trip) and numeric option values
// (cli/numeric.h). input_target.cc.
void fuzz_input(const uint8_t* data, size_t size);

// A schedule, built from the bytes or taken as text, replayed by
// Registry::replay (what `interleave replay` runs) against a fixed set of
// models. replay_target.cc.
void fuzz_replay(const uint8_t* data, size_t size);

// A command line for interleave_main (cli/interleave_main.h). cli_target.cc.
void fuzz_cli(const uint8_t* data, size_t size);

}  // namespace interleave::fuzz

// The fuzz target over the command line: interleave_main (cli/interleave_main.h)
// over the built-in models, with an argv made from the input. Part of
// fuzz/fuzzer.cc (INTERLEAVE_FUZZ_TARGET=cli); tools/fuzz.sh runs it with
// the dictionary fuzz/cli.dict (subcommands, options, model names).
//
// Input: the arguments after the program name, separated by NUL bytes.
// Every run is kept cheap and inside the working directory:
//   - the budget options given (--executions, --seconds, --max-steps,
//     --watchdog, --stack-size, --trials, --timeout, --iterations) and "--"
//     are dropped, and the subcommand's own caps are appended instead: check
//     --executions 20 --seconds 1 --max-steps 2000 --watchdog 0.25; replay
//     --max-steps 2000 --watchdog 0.25; native --trials 5 --seconds 1;
//   - the value of --json / --html becomes out.json (out.html), a file in a
//     directory that does not exist, or "." (a directory), all relative to
//     the directory fuzzer.cc runs in (a temporary one); an empty value stays;
//   - inputs for `compare` are skipped: it runs native trials of every buggy
//     model with a trial timeout of min(2 s, --seconds) and ends the process
//     with _Exit when one hangs; so are `native` inputs that name a model
//     whose bug is a thread waiting forever (queue.empty_then_get,
//     queue.missed_wakeup) or that hold a number of four digits or more
//     (many threads or iterations on real threads).
// The program has no Relacy engine: `relacy` parses its options, then ends
// with the usage error saying so (Relacy's ucontext fibers are not annotated
// for AddressSanitizer).
// stdout and stderr are captured (memfd) around each call; run with
// -close_fd_mask=3 so that sanitizer reports go to libFuzzer's own stderr.
//
// Contract, besides no crash, no hang and no sanitizer report:
//   - the exit status is 0, 1, 2 or 3;
//   - on 2, stderr is exactly one line, "interleave: " and a message with no
//     control character;
//   - when `check` finds a bug (1), its `replay:` line, run as a command
//     line, exits 1 with the same FAIL line.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/interleave_main.h"
#include "fuzz/contract.h"
#include "fuzz/targets.h"
#include "models/builtin.h"

namespace interleave::fuzz {

namespace {

struct Captured {
  int status = 0;
  std::string out;
  std::string err;
};

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  off_t at = 0;
  for (ssize_t n; (n = pread(fd, buffer, sizeof buffer, at)) > 0; at += n) text.append(buffer, n);
  return text;
}

void flush_all() {
  std::fflush(stdout);
  std::fflush(stderr);
  std::cout.flush();
  std::cerr.flush();
}

// Runs interleave_main with argv = "interleave" + args, stdout and stderr
// going to memory files.
Captured run_captured(const std::vector<std::string>& args) {
  static const Program program = [] {
    Program p;
    p.registry = &models::builtin();
    p.command = "interleave";
    return p;
  }();
  std::vector<std::string> storage = {"interleave"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  flush_all();
  const int out_file = memfd_create("fuzz-stdout", 0);
  const int err_file = memfd_create("fuzz-stderr", 0);
  require(out_file >= 0 && err_file >= 0);
  const int saved_out = dup(1);
  const int saved_err = dup(2);
  dup2(out_file, 1);
  dup2(err_file, 2);
  Captured captured;
  captured.status = interleave_main(program, static_cast<int>(storage.size()), argv.data());
  flush_all();
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  captured.out = read_all(out_file);
  captured.err = read_all(err_file);
  close(out_file);
  close(err_file);
  return captured;
}

bool is_budget_option(std::string_view arg) {
  for (std::string_view name : {"--executions", "--seconds", "--max-steps", "--watchdog",
                                "--stack-size", "--trials", "--timeout", "--iterations"}) {
    if (arg == name || (arg.starts_with(name) && arg.size() > name.size() &&
                        arg[name.size()] == '=')) {
      return true;
    }
  }
  return false;
}

// A --json / --html file name in the working directory, picked by `value`.
std::string confined_file(std::string_view value, std::string_view extension) {
  if (value.empty()) return {};
  switch (static_cast<unsigned char>(value[0]) % 3) {
    case 0:
      return "out." + std::string(extension);
    case 1:
      return "no-such-directory/out." + std::string(extension);
    default:
      return ".";
  }
}

// The value of --json / --html in `arg` made a confined file name; false if
// `arg` is not such an option with its value attached ("--json=FILE").
bool confine_attached(std::string& arg) {
  for (std::string_view name : {"--json", "--html"}) {
    if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
      arg = std::string(name) + "=" +
            confined_file(std::string_view(arg).substr(name.size() + 1), name.substr(2));
      return true;
    }
  }
  return false;
}

std::vector<std::string> split_arguments(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(std::move(current));
  return args;
}

bool has_long_number(std::string_view arg) {
  int run = 0;
  for (char c : arg) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 4) return true;
  }
  return false;
}

// The arguments of the `replay:` line of a report ("replay: interleave
// replay 'SCHEDULE' --option value ..."), without the program name.
std::vector<std::string> replay_arguments(const std::string& out) {
  constexpr std::string_view kPrefix = "replay: interleave ";
  const size_t start = out.find(std::string("\n") + std::string(kPrefix));
  require(start != std::string::npos);
  const size_t end = out.find('\n', start + 1);
  std::string_view line(out.data() + start + 1 + kPrefix.size(),
                        (end == std::string::npos ? out.size() : end) - start - 1 -
                            kPrefix.size());
  std::vector<std::string> args;
  std::string current;
  bool quoted = false;
  bool any = false;
  for (char c : line) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) args.push_back(std::move(current));
      current.clear();
      any = false;
    } else {
      current.push_back(c);
      any = true;
    }
  }
  require(!quoted);
  if (any) args.push_back(std::move(current));
  return args;
}

void require_contract(const Captured& run) {
  require(run.status >= 0 && run.status <= 3);
  if (run.status == 2) {
    constexpr std::string_view kPrefix = "interleave: ";
    require(run.err.size() > kPrefix.size() + 1 && run.err.starts_with(kPrefix) &&
            run.err.back() == '\n');
    require_one_line(std::string_view(run.err).substr(0, run.err.size() - 1));
  }
}

}  // namespace

void fuzz_cli(const uint8_t* data, size_t size) {
  std::vector<std::string> given = split_arguments(data, size);
  std::vector<std::string> args;
  std::string command;
  for (size_t i = 0; i < given.size(); ++i) {
    std::string arg = given[i];
    if (arg == "--" || is_budget_option(arg)) continue;
    if (command.empty()) {
      for (std::string_view name : {"list", "check", "replay", "native", "compare", "relacy"}) {
        if (arg == name) command = arg;
      }
    }
    if (!confine_attached(arg) && (arg == "--json" || arg == "--html") && i + 1 < given.size()) {
      args.push_back(arg);
      arg = confined_file(given[++i], std::string_view(arg).substr(2));
    }
    args.push_back(std::move(arg));
  }
  if (command == "compare") return;
  if (command == "native") {
    for (const std::string& arg : args) {
      if (arg == "queue.empty_then_get" || arg == "queue.missed_wakeup" || has_long_number(arg)) {
        return;
      }
    }
  }
  std::vector<std::string> caps;
  if (command == "check") {
    caps = {"--executions", "20", "--seconds", "1", "--max-steps", "2000", "--watchdog", "0.25"};
  } else if (command == "replay") {
    caps = {"--max-steps", "2000", "--watchdog", "0.25"};
  } else if (command == "native") {
    caps = {"--trials", "5", "--seconds", "1"};
  }
  args.insert(args.end(), caps.begin(), caps.end());

  const Captured run = run_captured(args);
  require_contract(run);
  if (command == "check" && run.status == 1) {
    const Captured again = run_captured(replay_arguments(run.out));
    require_contract(again);
    require(again.status == 1);
    require(line_starting(again.out, "FAIL ") == line_starting(run.out, "FAIL "));
  }
}

}  // namespace interleave::fuzz

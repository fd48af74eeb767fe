// cli/numeric.h: every rule, on values derived by hand.
#include "cli/numeric.h"

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

using interleave::cli::kMaxCount;
using interleave::cli::parse_count;
using interleave::cli::parse_integer;
using interleave::cli::parse_output_file;
using interleave::cli::parse_param;
using interleave::cli::parse_seconds;

namespace {

// The error of a rejected value (a test failure if it was accepted).
template <class E>
std::string error_of(const E& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().find('\n') == std::string::npos);
  return result.error();
}

}  // namespace

TEST_CASE("parse_count accepts plain decimal integers in range") {
  CHECK(*parse_count("--n", "0", 0, 10) == 0);
  CHECK(*parse_count("--n", "10", 0, 10) == 10);
  CHECK(*parse_count("--n", "007", 0, 10) == 7);
  CHECK(*parse_count("--n", "9223372036854775807", 0) == 9223372036854775807ULL);
  CHECK(*parse_count("--seed", "18446744073709551615", 0, UINT64_MAX) == UINT64_MAX);
  CHECK(*parse_count("--n", "-0", 0, 10) == 0);
}

TEST_CASE("parse_count rejects what is not a decimal integer") {
  for (const char* bad : {"0x10", " 5", "5 ", "+5", "5.0", "1e3", "abc", "5a", "--5", "-", "inf",
                          "nan", "١"}) {
    INFO(bad);
    std::string e = error_of(parse_count("--n", bad, 0, 10));
    CHECK((e.find("is not a decimal integer (0..10)") != std::string::npos ||
           e.find("must not be negative") != std::string::npos));
  }
  CHECK(error_of(parse_count("--n", "0x10", 0, 10)) ==
        "--n '0x10' is not a decimal integer (0..10)");
}

TEST_CASE("parse_count: empty, negative, too small, too large") {
  CHECK(error_of(parse_count("--preemptions", "", 0, 1000000)) ==
        "--preemptions needs a value: an integer in 0..1000000");
  CHECK(error_of(parse_count("--preemptions", "-1", 0, 1000000)) ==
        "--preemptions -1 must not be negative");
  CHECK(error_of(parse_count("--executions", "-1", 1)) == "--executions -1 must be at least 1");
  CHECK(error_of(parse_count("--executions", "0", 1)) == "--executions 0 must be at least 1");
  CHECK(error_of(parse_count("--n", "11", 0, 10)) == "--n 11 is too large: at most 10");
  // 2^63 and 2^64: one past int64 and one past uint64.
  CHECK(error_of(parse_count("--executions", "9223372036854775808", 1)) ==
        "--executions 9223372036854775808 is too large: at most 9223372036854775807");
  CHECK(error_of(parse_count("--executions", "18446744073709551616", 1)) ==
        "--executions 18446744073709551616 is too large: at most 9223372036854775807");
  CHECK(error_of(parse_count("--seed", "18446744073709551616", 0, UINT64_MAX)) ==
        "--seed 18446744073709551616 is too large: at most 18446744073709551615");
  CHECK(error_of(parse_count("--n", "99999999999999999999999999999", 0, 10)) ==
        "--n 99999999999999999999999999999 is too large: at most 10");
}

TEST_CASE("parse_count escapes control characters and cuts long input") {
  CHECK(error_of(parse_count("--n", "1\n2", 0, 10)) ==
        "--n '1\\n2' is not a decimal integer (0..10)");
  CHECK(error_of(parse_count("--n", "\x1b[31m", 0, 10)) ==
        "--n '\\x1b[31m' is not a decimal integer (0..10)");
  std::string e = error_of(parse_count("--n", std::string(500, 'x'), 0, 10));
  CHECK(e == "--n '" + std::string(80, 'x') + "...' is not a decimal integer (0..10)");
}

TEST_CASE("parse_integer: an optional minus, then digits") {
  CHECK(*parse_integer("--k", "-5", -10, 10) == -5);
  CHECK(*parse_integer("--k", "10", -10, 10) == 10);
  CHECK(error_of(parse_integer("--k", "+5", -10, 10)) ==
        "--k '+5' is not a decimal integer (-10..10)");
  CHECK(error_of(parse_integer("--k", "-11", -10, 10)) == "--k -11 is too small: at least -10");
  CHECK(error_of(parse_integer("--k", "11", -10, 10)) == "--k 11 is too large: at most 10");
  CHECK(error_of(parse_integer("--k", "", -10, 10)) == "--k needs a value: an integer in -10..10");
  CHECK(error_of(parse_integer("--k", "9223372036854775808", INT64_MIN, INT64_MAX)) ==
        "--k 9223372036854775808 is too large: at most 9223372036854775807");
  CHECK(error_of(parse_integer("--k", "-9223372036854775809", INT64_MIN, INT64_MAX)) ==
        "--k -9223372036854775809 is too small: at least -9223372036854775808");
}

TEST_CASE("parse_seconds accepts decimal durations in range") {
  CHECK(*parse_seconds("--s", "2") == 2.0);
  CHECK(*parse_seconds("--s", "0.5") == 0.5);
  CHECK(*parse_seconds("--s", "5e-3") == 0.005);
  CHECK(*parse_seconds("--s", "1E2") == 100.0);
  CHECK(*parse_seconds("--s", "0.001") == 0.001);
  CHECK(*parse_seconds("--s", "1000000") == 1e6);
}

TEST_CASE("parse_seconds rejects NaN, infinity, hex, signs, spaces and empty values") {
  for (const char* bad : {"nan", "NaN", "inf", "infinity", "-inf", "0x10", "0x1p3", " 1", "1 ",
                          "+1", ".5", "5.", "1e", "1e+3", "1,5", "1s", "e3"}) {
    INFO(bad);
    CHECK(error_of(parse_seconds("--seconds", bad)) ==
          std::string("--seconds '") + bad + "' is not a number of seconds (decimal, e.g. 1.5)");
  }
  CHECK(error_of(parse_seconds("--seconds", "")) == "--seconds needs a value: seconds, e.g. 1.5");
}

TEST_CASE("parse_seconds: too small (a budget that allows no execution), too large") {
  CHECK(error_of(parse_seconds("--seconds", "0")) == "--seconds 0 must be at least 0.001");
  CHECK(error_of(parse_seconds("--seconds", "1e-9")) == "--seconds 1e-9 must be at least 0.001");
  CHECK(error_of(parse_seconds("--seconds", "1e-400")) ==
        "--seconds 1e-400 must be at least 0.001");
  CHECK(error_of(parse_seconds("--seconds", "-1")) == "--seconds -1 must be at least 0.001");
  CHECK(error_of(parse_seconds("--timeout", "1e10")) ==
        "--timeout 1e10 is too large: at most 1000000");
  CHECK(error_of(parse_seconds("--timeout", "1e400")) ==
        "--timeout 1e400 is too large: at most 1000000");
  CHECK(error_of(parse_seconds("--timeout", "1000000.5")) ==
        "--timeout 1000000.5 is too large: at most 1000000");
}

TEST_CASE("parse_param: NAME=INTEGER") {
  auto p = parse_param("n=15");
  REQUIRE(p.ok());
  CHECK(p->first == "n");
  CHECK(p->second == 15);
  CHECK(parse_param("delta=-3")->second == -3);
  CHECK(error_of(parse_param("n")) == "--param 'n' is not NAME=INTEGER");
  CHECK(error_of(parse_param("=5")) == "--param '=5' is not NAME=INTEGER");
  CHECK(error_of(parse_param("a\nb=5")) == "--param 'a\\nb=5' is not NAME=INTEGER");
  CHECK(error_of(parse_param("n=")) ==
        "--param 'n=': value needs a value: an integer in "
        "-9223372036854775808..9223372036854775807");
  CHECK(error_of(parse_param("n=0x10")) ==
        "--param 'n=0x10': value '0x10' is not a decimal integer "
        "(-9223372036854775808..9223372036854775807)");
  CHECK(error_of(parse_param("n= 5")).find("is not a decimal integer") != std::string::npos);
  CHECK(error_of(parse_param("n=18446744073709551616")) ==
        "--param 'n=18446744073709551616': value 18446744073709551616 is too large: at most "
        "9223372036854775807");
}

TEST_CASE("parse_output_file rejects an empty name") {
  CHECK(*parse_output_file("--json", "out.json") == "out.json");
  CHECK(error_of(parse_output_file("--json", "")) == "--json needs a value: a file name");
}

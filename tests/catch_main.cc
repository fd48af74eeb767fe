// The one Catch2 main every test binary links.
#define CATCH_CONFIG_MAIN
// Wide enough that INFO(format_check(...)) reports keep their lines whole.
#define CATCH_CONFIG_CONSOLE_WIDTH 200
#include <catch2/catch.hpp>

// The composition root: the only place that picks implementations (through the CLI modules).
#include <exception>
#include <iostream>

#include "crescendo/cli/cli.h"

int main(int argc, char** argv) {
  try {
    return crescendo::cli::RunCli(argc, argv, std::cout, std::cerr);
  } catch (...) {  // RunCli catches what it can name; nothing may leave main.
    std::cerr << "crescendo: internal error (a bug; please report it)\n";
    return 70;
  }
}

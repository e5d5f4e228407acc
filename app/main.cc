// The composition root: the only place that picks implementations (through the CLI modules).
#include <iostream>

#include "crescendo/cli/cli.h"

int main(int argc, char** argv) { return crescendo::cli::RunCli(argc, argv, std::cout, std::cerr); }

// Runs the crescendo binary (CRESCENDO_BINARY, set by CMake) for the end-to-end tests.
#ifndef CRESCENDO_TESTS_INTEGRATION_KUBERNETES_RUN_CRESCENDO_H_
#define CRESCENDO_TESTS_INTEGRATION_KUBERNETES_RUN_CRESCENDO_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace crescendo::testing {

struct Outcome {
  int exit_code = -1;  // as std::system returns it (the exit status is exit_code >> 8)
  std::string output;  // stdout and stderr
};

// Runs `crescendo run <args>`, its output captured in the test's temporary folder, in a file
// named by this process's id (TempDir() is /tmp/ by default, shared with other test runs).
inline Outcome RunCrescendo(const std::string& args) {
  const std::string out =
      ::testing::TempDir() + "/crescendo-run-" + std::to_string(::getpid()) + ".out";
  const std::string command = std::string(CRESCENDO_BINARY) + " run " + args + " >" + out + " 2>&1";
  Outcome r;
  r.exit_code = std::system(command.c_str());
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

}  // namespace crescendo::testing

#endif  // CRESCENDO_TESTS_INTEGRATION_KUBERNETES_RUN_CRESCENDO_H_

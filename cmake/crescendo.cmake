# Helper functions: one library per layer, its tests, benchmarks and fuzzers.
#
#   crescendo_layer(NAME <layer> [DEPS <targets>] [TEST_DEPS <targets>])
#
# Declares the library crescendo_<layer> (alias crescendo::<layer>) from every .cc file under
# src/<layer>/ (plug-in folders included), one test binary <layer>_test from every *_test.cc
# (each case registered with CTest), one benchmark binary <layer>_benchmark from every
# *_benchmark.cc (collected by `make bench`), and, when CRESCENDO_FUZZ is ON (clang), one
# libFuzzer binary per *_fuzzer.cc. Adding a file needs no CMake edit.

set(CRESCENDO_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wno-missing-field-initializers)
if(CRESCENDO_WERROR)
  list(APPEND CRESCENDO_WARNINGS -Werror)
  # GCC 12 at -O3 reports -Wrestrict false positives inside libstdc++'s std::string (GCC bug
  # 105329; Debian 12 ships GCC 12.2); keep the warning, but do not fail a Release build on it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    list(APPEND CRESCENDO_WARNINGS -Wno-error=restrict)
  endif()
endif()
option(CRESCENDO_FUZZ "Build libFuzzer targets (requires clang)" OFF)

function(crescendo_layer)
  cmake_parse_arguments(ARG "" "NAME" "DEPS;TEST_DEPS" ${ARGN})
  set(lib crescendo_${ARG_NAME})
  file(GLOB_RECURSE all_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(srcs ${all_srcs})
  list(FILTER srcs EXCLUDE REGEX "_(test|benchmark|fuzzer)\\.cc$")
  set(tests ${all_srcs})
  list(FILTER tests INCLUDE REGEX "_test\\.cc$")
  set(benchmarks ${all_srcs})
  list(FILTER benchmarks INCLUDE REGEX "_benchmark\\.cc$")
  set(fuzzers ${all_srcs})
  list(FILTER fuzzers INCLUDE REGEX "_fuzzer\\.cc$")

  if(srcs)
    add_library(${lib} STATIC ${srcs})
    target_include_directories(${lib} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                      PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_compile_options(${lib} PRIVATE ${CRESCENDO_WARNINGS})
    target_link_libraries(${lib} PUBLIC ${ARG_DEPS})
  else()  # a layer with contracts only, so far
    add_library(${lib} INTERFACE)
    target_include_directories(${lib} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${lib} INTERFACE ${ARG_DEPS})
  endif()
  add_library(crescendo::${ARG_NAME} ALIAS ${lib})

  if(CRESCENDO_BUILD_TESTS AND tests)
    add_executable(${ARG_NAME}_test ${tests})
    target_include_directories(${ARG_NAME}_test PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_compile_options(${ARG_NAME}_test PRIVATE ${CRESCENDO_WARNINGS})
    target_link_libraries(${ARG_NAME}_test PRIVATE ${lib} ${ARG_TEST_DEPS} GTest::gmock
                          GTest::gtest_main)
    gtest_discover_tests(${ARG_NAME}_test
                         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                         PROPERTIES ENVIRONMENT
                           "CRESCENDO_SOURCE_DIR=${PROJECT_SOURCE_DIR};CRESCENDO_BINARY_DIR=${PROJECT_BINARY_DIR}"
                         DISCOVERY_TIMEOUT 120)
  endif()
  if(CRESCENDO_BUILD_BENCHMARKS AND benchmarks)
    add_executable(${ARG_NAME}_benchmark ${benchmarks})
    target_include_directories(${ARG_NAME}_benchmark PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_compile_options(${ARG_NAME}_benchmark PRIVATE ${CRESCENDO_WARNINGS})
    target_link_libraries(${ARG_NAME}_benchmark PRIVATE ${lib} ${ARG_TEST_DEPS}
                          benchmark::benchmark benchmark::benchmark_main)
  endif()
  if(CRESCENDO_FUZZ)
    foreach(fuzzer ${fuzzers})
      get_filename_component(fname ${fuzzer} NAME_WE)
      add_executable(${fname} ${fuzzer})
      target_include_directories(${fname} PRIVATE ${PROJECT_SOURCE_DIR}/src)
      target_compile_options(${fname} PRIVATE -fsanitize=fuzzer,address)
      target_link_options(${fname} PRIVATE -fsanitize=fuzzer,address)
      target_link_libraries(${fname} PRIVATE ${lib})
    endforeach()
  endif()
endfunction()

# crescendo_white_box(<target> <layer>...): an executable outside src/ (an integration test of a
# layer's own classes, e.g. a metric source plug-in against its real server) may include the
# private headers of the named layers, which it must link directly. tools/check_layering.py reads
# these calls; nothing else may include another layer's src/.
function(crescendo_white_box target)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
endfunction()

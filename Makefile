# Entry points. `make demo` and `make test` install what they need, build, then run.
#   make deps    install Debian packages (scripts/install_deps.sh)
#   make build   configure and build (RelWithDebInfo) into build/release
#   make demo    run the music streaming scenario on the embedded simulator
#   make test    build and run every test (unit, integration against real servers, layering)
#   make asan    build and run the tests with AddressSanitizer and UndefinedBehaviorSanitizer
#   make bench   run every benchmark, one table
#   make lint    clang-format (check), clang-tidy on changed files, layering test
#   make fuzz    build the libFuzzer targets with clang and run each for FUZZ_SECONDS

JOBS ?= $(shell nproc)
BUILD ?= build/release
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

.PHONY: all deps configure build build-app demo test asan bench lint fuzz clean

all: build

deps:
	@bash scripts/install_deps.sh

configure:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The binary alone: the demo needs no test or benchmark binaries.
build-app: configure
	@cmake --build $(BUILD) -j $(JOBS) --target crescendo

demo: deps build-app
	@$(BUILD)/app/crescendo run --duration 48h --seed 7 --json $(BUILD)/demo-summary.json
	@echo "summary written to $(BUILD)/demo-summary.json"

test: deps build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build build/asan -j $(JOBS)
	@cd build/asan && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: deps build
	@bash scripts/run_benchmarks.sh $(BUILD)

lint: configure
	@bash scripts/lint.sh $(BUILD)

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build

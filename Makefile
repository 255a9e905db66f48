# Thin wrapper over CMake. The two commands:
#   make run    installs what is missing, builds, runs the default benchmark
#   make test   installs what is missing, builds, runs every test
# Options: SAN=1 (AddressSanitizer + UBSan build in build-san/), ARGS="..." (extra arguments for `make run`),
#          MINIMAL=1 (every optional dependency off, in build-minimal/).
# Fuzzing: make fuzz builds the libFuzzer targets of tests/fuzz/ with clang in build-fuzz/; FUZZ_TIME=S also runs
#          each for S seconds (make fuzz-run: 20 s each), failing on any finding.

JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
ARGS  ?=
BUILD := build
CMAKE_FLAGS :=
ifeq ($(SAN),1)
  BUILD := build-san
  CMAKE_FLAGS += -DCLLM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
endif
ifeq ($(MINIMAL),1)
  BUILD := build-minimal
  CMAKE_FLAGS += -DCLLM_WITH_HWLOC=OFF -DCLLM_WITH_PCI=OFF -DCLLM_WITH_OPENBLAS=OFF -DCLLM_WITH_CURL=OFF -DCLLM_WITH_MICROHTTPD=OFF \
                 -DCLLM_WITH_SQLITE=OFF -DCLLM_WITH_PQ=OFF
endif

FUZZ_TIME ?=
FUZZ_CC   ?=
FUZZ_CXX  ?=

.PHONY: all setup configure build run test clean fuzz fuzz-build fuzz-run

all: build

setup:
	@./scripts/setup

configure: setup
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/computellm run $(ARGS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# clang 14 (what scripts/setup --fuzz installs) unless FUZZ_CC/FUZZ_CXX name another; -O1 -g with asserts kept
# (libFuzzer's advice); CMakeLists.txt adds the sanitizers under CLLM_FUZZ.
fuzz-build:
	@./scripts/setup --fuzz
	@cc="$(FUZZ_CC)"; cxx="$(FUZZ_CXX)"; \
	[ -n "$$cc" ] || cc=$$(command -v clang-14 || command -v clang); \
	[ -n "$$cxx" ] || cxx=$$(command -v clang++-14 || command -v clang++); \
	if [ -z "$$cc" ] || [ -z "$$cxx" ]; then echo "make fuzz: clang not found (scripts/setup --fuzz installs it)" >&2; exit 2; fi; \
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER="$$cc" -DCMAKE_CXX_COMPILER="$$cxx" -DCLLM_FUZZ=ON \
	  -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" >/dev/null
	@cmake --build build-fuzz --target cllm_fuzzers -j $(JOBS)

fuzz: fuzz-build
	@if [ -n "$(FUZZ_TIME)" ]; then tests/fuzz/run.sh build-fuzz $(FUZZ_TIME); fi

fuzz-run: fuzz-build
	@tests/fuzz/run.sh build-fuzz $(or $(FUZZ_TIME),20)

clean:
	rm -rf build build-san build-minimal build-fuzz

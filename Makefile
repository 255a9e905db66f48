# Thin wrapper over CMake. The two commands:
#   make run    installs what is missing, builds, runs the default benchmark
#   make test   installs what is missing, builds, runs every test
# Options: SAN=1 (AddressSanitizer + UBSan build in build-san/), ARGS="..." (extra arguments for `make run`),
#          MINIMAL=1 (every optional dependency off, in build-minimal/).

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
  CMAKE_FLAGS += -DCLLM_WITH_HWLOC=OFF -DCLLM_WITH_PCI=OFF -DCLLM_WITH_OPENBLAS=OFF -DCLLM_WITH_CURL=OFF -DCLLM_WITH_MICROHTTPD=OFF
endif

.PHONY: all setup configure build run test clean

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

clean:
	rm -rf build build-san build-minimal

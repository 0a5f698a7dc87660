# Bulwark - top-level Makefile wrapping CMake.
#   make          build build/bulwark
#   make demo     install missing packages, build, run the runtime demo
#   make check    install missing packages, build, run unit + integration tests
#   make asan     build and run the unit tests under ASan/UBSan
#   make fuzz     build the libFuzzer harnesses and run each briefly
#   make bench    build and run the benchmarks (ratios against in-run baselines)

BUILD     ?= build
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECS ?= 20

.PHONY: all build deps demo check unit asan fuzz bench docs clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: deps
	@$(MAKE) --no-print-directory build
	bash scripts/demo.sh $(BUILD)/bulwark

check: deps
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j 1

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBW_SANITIZE=ON -DCMAKE_C_COMPILER=clang
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -L unit

fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DBW_FUZZ=ON -DBW_WERROR=OFF -DCMAKE_C_COMPILER=clang
	cmake --build build-fuzz -j $(JOBS)
	bash scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECS)

bench: deps
	@$(MAKE) --no-print-directory build
	bash bench/run.sh $(BUILD)

docs: build
	$(BUILD)/bulwark fields --markdown > docs/fields.md

clean:
	rm -rf $(BUILD) build-asan build-fuzz

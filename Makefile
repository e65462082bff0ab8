# nnlab -- see README.md.  `make run` and `make test` are the quick start.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
       -Wpedantic -Wno-overlength-strings

# --- Dependencies (README, "Building and testing": other systems) ----------
# Lua 5.4, readline and OpenBLAS's headers, found by pkg-config; each
# variable can be given on the command line instead (a macOS build with
# Homebrew's packages: the README's recipe).  Recursive (?= makes them so):
# pkg-config runs when a recipe needs it, after `deps`.
PKG_CONFIG ?= pkg-config
LUA_PKG ?= lua5.4
LUA_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags $(LUA_PKG))
LUA_LIBS ?= $(shell $(PKG_CONFIG) --libs $(LUA_PKG))
READLINE_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags readline)
READLINE_LIBS ?= $(shell $(PKG_CONFIG) --libs readline)
# OpenBLAS: its headers at build time; the library is loaded on first use
# (src/core/mat.c), not linked, so that starting nnlab does not pay for it.
# BLAS_LIB is the name (or path) dlopen tries first.
BLAS_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags openblas)
BLAS_LIB ?= libopenblas.so.0
DL_LIBS ?= -ldl
# How the Lua C module is linked (macOS: -bundle -undefined dynamic_lookup).
MODULE_LDFLAGS ?= -shared
# Programs that run on the build machine while building or testing (the
# bytecode compiler, the pseudo-terminal driver): a cross build sets these.
HOST_CC ?= $(CC)
HOST_LUA_CFLAGS ?= $(LUA_CFLAGS)
HOST_LUA_LIBS ?= $(LUA_LIBS)
PKG_CFLAGS = $(LUA_CFLAGS) $(READLINE_CFLAGS) $(BLAS_CFLAGS) -DNNLAB_BLAS_LIB='"$(BLAS_LIB)"'
PKG_LIBS = $(LUA_LIBS) $(READLINE_LIBS)
# --- end of dependencies ---------------------------------------------------

ALL_CFLAGS = $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -fPIC -D_POSIX_C_SOURCE=200809L $(LAYERS:%=-Isrc/%) $(PKG_CFLAGS)
LDLIBS = $(PKG_LIBS) $(DL_LIBS) -lm

BUILD ?= build
BIN ?= nnlab
# The source's three layers (README, "Source layout"): src/core, the
# numerical kernels (no Lua); src/lua, their Lua bindings; src/host, the
# program only (the REPL, the grader's sandbox and child processes).  The C
# module core.so is the first two; the program is all three.
LAYERS = core lua host
HOST_SRC = $(wildcard src/host/*.c)
CORE_SRC = $(wildcard src/core/*.c src/lua/*.c)
CORE_OBJ = $(CORE_SRC:src/%.c=$(BUILD)/%.o)
HOST_OBJ = $(HOST_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/embedded.o
LUA_SRC = lua/nnlab.lua $(wildcard lua/nnlab/*.lua)
# The student copies of the exercise sets: exercises/NAME.lua and its
# exercise modules exercises/NAME/*.lua.  The instructors' copies, under
# exercises/private/, are never embedded nor installed.
SETS = $(filter-out exercises/private/%, $(wildcard exercises/*.lua exercises/*/*.lua))
MODULE = $(BUILD)/nnlab/core.so

.PHONY: all run test deps deps-test asan test-asan install uninstall clean check-warnings bench \
  deps-fuzz deps-valgrind fuzz fuzz-normal fuzz-long fuzz-asan libfuzzer fuzz-libfuzzer fuzz-merge \
  faultinject valgrind

all: $(BIN) $(MODULE)

deps:
	@sh tools/deps.sh build

deps-test:
	@sh tools/deps.sh test

deps-fuzz:
	@sh tools/deps.sh fuzz

deps-valgrind:
	@sh tools/deps.sh valgrind

$(BUILD)/.dir:
	@mkdir -p $(BUILD)/nnlab $(LAYERS:%=$(BUILD)/%) && touch $@

$(BUILD)/%.o: src/%.c src/*/*.h | deps $(BUILD)/.dir
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The numerical kernels are written for the compiler's vectoriser, which GCC
# runs at -O3 (at -O2 it vectorises only loops of a known length); without
# errno, sqrt vectorises too (the results are the same).  A CFLAGS given on
# the command line replaces this too.
$(BUILD)/core/mat.o $(BUILD)/core/nn.o $(BUILD)/core/net.o $(BUILD)/core/optim.o: CFLAGS += -O3 -fno-math-errno

# The library's bytecode, which the program loads at start-up (compiling the
# sources took a third of its start-up time), compiled by the liblua the
# program links: the build tool runs on the build machine, so it is built
# without EXTRA_CFLAGS (sanitizers, libFuzzer).
LUA_BC = $(LUA_SRC:%.lua=$(BUILD)/luac/%.luac)
$(BUILD)/luacomp: tools/luacomp.c | deps $(BUILD)/.dir
	$(HOST_CC) $(WARN) $(CFLAGS) $(HOST_LUA_CFLAGS) -o $@ $< $(HOST_LUA_LIBS)

$(BUILD)/luac/%.luac: %.lua $(BUILD)/luacomp
	@mkdir -p $(@D)
	$(BUILD)/luacomp $< $@

$(BUILD)/embedded.c: $(LUA_SRC) $(LUA_BC) $(SETS) tools/embed.sh | $(BUILD)/.dir
	sh tools/embed.sh -b $(BUILD)/luac $(LUA_SRC) $(SETS) > $@.tmp
	mv $@.tmp $@

$(BUILD)/embedded.o: $(BUILD)/embedded.c src/host/embedded.h | deps
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BIN): $(HOST_OBJ) $(CORE_OBJ)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The Lua C module for stock lua5.4: liblua's symbols come from the interpreter.
$(MODULE): $(CORE_OBJ)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) $(MODULE_LDFLAGS) -o $@ $^ $(DL_LIBS) -lm

run: all
	./$(BIN)

# Test helpers (a pseudo-terminal driver) live with the tests.
$(BUILD)/ptydrive: tests/ptydrive.c | deps $(BUILD)/.dir
	$(HOST_CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE -o $@ $< -lutil

# The matrix product's paths against each other (includes src/core/mat.c whole).
$(BUILD)/kernels-test: tests/kernels.c src/core/mat.c src/core/mat.h | deps $(BUILD)/.dir
	$(CC) $(ALL_CFLAGS) -O3 -o $@ tests/kernels.c $(DL_LIBS) -lm

# The embedded library's bytecode against its sources (src/host/embedded.h).
$(BUILD)/embedload-test: tests/embedload.c $(BUILD)/embedded.o | deps $(BUILD)/.dir
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/embedload.c $(BUILD)/embedded.o $(LDLIBS)

# TEST_BUILD: where the specs find the built programs (make test-arm64
# points it at wrappers that run them under emulation).
TEST_BUILD ?= $(BUILD)
TEST_BIN ?= $(BIN)
TEST_ENV = NNLAB_BIN=$(abspath $(TEST_BIN)) NNLAB_PTYDRIVE=$(abspath $(BUILD)/ptydrive) \
  NNLAB_KERNELS_TEST=$(abspath $(TEST_BUILD)/kernels-test) \
  NNLAB_ROOT=$(CURDIR) NNLAB_BUILD=$(abspath $(TEST_BUILD)) \
  LUA_PATH='$(CURDIR)/lua/?.lua;$(CURDIR)/tests/?.lua;;' \
  LUA_CPATH='$(CURDIR)/$(BUILD)/?.so;;'
BUSTED = lua5.4 /usr/bin/busted --helper=tests/helper.lua -o tests/summary.lua

# The reliability tools the suite runs (fault injection, corpus replays).
FUZZ_TARGETS = textio netfile data repl
TOOLS = $(BUILD)/faultinject $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%_replay)

TEST_PROGRAMS = all $(BUILD)/ptydrive $(BUILD)/kernels-test $(BUILD)/embedload-test $(TOOLS)
TEST_SPECS ?= tests
test-programs: $(TEST_PROGRAMS)
test: deps-test $(TEST_PROGRAMS)
	$(TEST_ENV) $(TEST_PRELOAD) $(BUSTED) $(TEST_SPECS)

# The benchmark against OpenBLAS, numpy and PyTorch (tests/bench/): a table
# of medians and ratios on this machine.  BENCH_ARGS: --quick, --only 3,4,
# --wait-quiet 300 (see tests/bench/bench.py --help).
$(BUILD)/bench-blas: tests/bench/blas.c | deps $(BUILD)/.dir
	$(CC) $(WARN) $(CFLAGS) $(shell pkg-config --cflags openblas) -D_POSIX_C_SOURCE=200809L \
	  -o $@ $< $(shell pkg-config --libs openblas)

bench: all $(BUILD)/bench-blas
	@sh tools/deps.sh bench
	/usr/bin/python3 tests/bench/bench.py --nnlab ./$(BIN) --blas $(BUILD)/bench-blas $(BENCH_ARGS)

# AddressSanitizer + UBSan build in build-asan/, and the test suite under it.
# The module is loaded into stock lua5.4, so libasan is preloaded there.
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_MAKE = $(MAKE) BUILD=build-asan BIN=build-asan/nnlab-asan EXTRA_CFLAGS="$(ASAN_FLAGS)"
ASAN_PRELOAD = LD_PRELOAD=$$($(CC) -print-file-name=libasan.so)
asan:
	+$(ASAN_MAKE) all
test-asan: asan
	+$(ASAN_MAKE) TEST_PRELOAD="$(ASAN_PRELOAD) ASAN_OPTIONS=detect_leaks=0" test

# --- Reliability: the API fuzzer, fault injection, libFuzzer, valgrind -----
# (README, "Reliability")

# Test hosts link the core and load the library through the program's own
# preload (src/host/preload.c, with the sandbox and child processes).
TOOL_OBJ = $(CORE_OBJ) $(BUILD)/host/preload.o $(BUILD)/host/sandbox.o $(BUILD)/host/proc.o \
  $(BUILD)/host/marshal.o $(BUILD)/embedded.o

# Fails each allocation of tests/faultinject.lua in turn (and of loading
# the library); run by tests/reliability_spec.lua.
$(BUILD)/faultinject: tests/faultinject.c $(TOOL_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/faultinject.c $(TOOL_OBJ) $(LDLIBS)

faultinject: $(BUILD)/faultinject
	@mkdir -p $(BUILD)/faultinject.d
	$(BUILD)/faultinject -q tests/faultinject.lua $(BUILD)/faultinject.d
	$(BUILD)/faultinject -q -n 1000000 tests/faultinject.lua $(BUILD)/faultinject.d

# The fuzz harnesses, each linked with replay.c (it runs them over files:
# make test replays the corpora) or with libFuzzer.
HARNESS_textio = tests/fuzz/textio_fuzz.c
HARNESS_netfile = tests/fuzz/loader_fuzz.c -DFUZZ_LOADER='"netfile"'
HARNESS_data = tests/fuzz/loader_fuzz.c -DFUZZ_LOADER='"data"'
HARNESS_repl = tests/fuzz/repl_fuzz.c
$(BUILD)/fuzz/.dir:
	@mkdir -p $(BUILD)/fuzz && touch $@
$(BUILD)/fuzz/%_replay: tests/fuzz/*.c src/*/*.c src/*/*.h $(TOOL_OBJ) | $(BUILD)/fuzz/.dir
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(HARNESS_$*) tests/fuzz/replay.c $(TOOL_OBJ) $(LDLIBS)
$(BUILD)/fuzz/%_fuzz: tests/fuzz/*.c src/*/*.c src/*/*.h $(TOOL_OBJ) | $(BUILD)/fuzz/.dir
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $(HARNESS_$*) $(TOOL_OBJ) $(LDLIBS)

# The Lua API fuzzer (tests/fuzz/api_fuzz.lua), seeded and bounded, in the
# normal build (under an 8 GiB address-space limit: a huge matrix fails to
# allocate instead of filling the machine) and under AddressSanitizer
# (allocations over 4 GiB fail there).  fuzz-long: a long run.
FUZZ_SEED ?= 1
FUZZ_ITERS ?= 100000
FUZZ_LIMIT = ulimit -v 8388608;
# It runs in a scratch directory: hostile paths (numbers) make files.
FUZZ_RUN = mkdir -p $(BUILD)/fuzz.d && cd $(BUILD)/fuzz.d && \
  $(TEST_ENV) $(FUZZ_PRELOAD) lua5.4 $(CURDIR)/tests/fuzz/api_fuzz.lua $(FUZZ_SEED) $(FUZZ_ITERS); \
  s=$$?; cd $(CURDIR) && rm -rf $(BUILD)/fuzz.d; exit $$s
fuzz: fuzz-normal fuzz-asan
fuzz-normal: deps-test all
	$(FUZZ_LIMIT) $(FUZZ_RUN)
fuzz-asan:
	+$(ASAN_MAKE) FUZZ_LIMIT= FUZZ_PRELOAD="$(ASAN_PRELOAD) \
	  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=4096" fuzz-normal
fuzz-long:
	+$(MAKE) FUZZ_ITERS=$(or $(LONG_ITERS),3000000) FUZZ_SEED=$(or $(LONG_SEED),$$(date +%s)) fuzz

# The test suite under valgrind (memcheck): the specs that use the module
# run in a busted under valgrind; the program itself runs under valgrind
# (tools/valgrind-nnlab as NNLAB_BIN) for the README tour, the grader, the
# REPL, the command line and the embedded library; and the corpus replays
# and a sample of the fault injection (every 25th allocation) run under it.
# Left out: the memory spec (it measures the collector and the resident
# size, which valgrind changes), the hostile submissions (their time
# limits), and three tests that see the wrapper (arg[0], and Ctrl-Z
# stopping valgrind).
# Suppressions (tests/valgrind.supp) are only for what is provably not ours.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp
VALGRIND_BIN_SPECS = tests/readme_spec.lua tests/grader_spec.lua tests/repl_spec.lua \
  tests/cli_spec.lua tests/embedded_spec.lua
VALGRIND_SPECS = $(filter-out $(VALGRIND_BIN_SPECS) tests/memory_spec.lua \
  tests/hostile_spec.lua tests/reliability_spec.lua, $(wildcard tests/*_spec.lua))
valgrind: deps-valgrind all $(BUILD)/ptydrive $(BUILD)/kernels-test $(BUILD)/embedload-test $(TOOLS)
	$(TEST_ENV) $(VALGRIND) $(BUSTED) $(VALGRIND_SPECS)
	$(TEST_ENV) NNLAB_VALGRIND_BIN=$(abspath $(BIN)) NNLAB_BIN=$(CURDIR)/tools/valgrind-nnlab \
	  $(BUSTED) --filter-out='job control' --filter-out='sets arg as lua does' \
	  --filter-out='arg%[0%] is the program' $(VALGRIND_BIN_SPECS)
	@for t in $(FUZZ_TARGETS); do \
	  $(VALGRIND) $(BUILD)/fuzz/$${t}_replay tests/fuzz/corpus/$$t || exit 1; done
	@mkdir -p $(BUILD)/faultinject.d
	$(VALGRIND) $(BUILD)/faultinject -q -s 25 tests/faultinject.lua $(BUILD)/faultinject.d

# libFuzzer (clang) builds of the harnesses in build-fuzz/, and a run of each
# for FUZZ_SECONDS (or FUZZ_LIBFUZZER_ARGS, e.g. -runs=30000 -seed=1 for a
# repeatable run): new inputs go to build-fuzz/corpus/, crashes to
# build-fuzz/crashes/ (keep them under tests/fuzz/corpus/ once fixed).
# fuzz-merge adds the inputs that reach new code to tests/fuzz/corpus/.
FUZZ_SECONDS ?= 60
FUZZ_LIBFUZZER_ARGS ?= -max_total_time=$(FUZZ_SECONDS)
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
  -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link -DFUZZ_LUA_COVERAGE
LIBFUZZER_MAKE = $(MAKE) BUILD=build-fuzz BIN=build-fuzz/nnlab CC=clang EXTRA_CFLAGS="$(FUZZ_CFLAGS)"
libfuzzer: deps-fuzz
	+$(LIBFUZZER_MAKE) $(FUZZ_TARGETS:%=build-fuzz/fuzz/%_fuzz)
fuzz-libfuzzer: libfuzzer
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t build-fuzz/crashes || exit 1; \
	  echo "libfuzzer: $$t ($(FUZZ_LIBFUZZER_ARGS))"; \
	  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=2048 \
	    build-fuzz/fuzz/$${t}_fuzz $(FUZZ_LIBFUZZER_ARGS) -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/crashes/$$t- build-fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    2>build-fuzz/$$t.log || { tail -40 build-fuzz/$$t.log; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^stat::new_units_added' build-fuzz/$$t.log; \
	done
fuzz-merge: libfuzzer
	@for t in $(FUZZ_TARGETS); do \
	  build-fuzz/fuzz/$${t}_fuzz -merge=1 tests/fuzz/corpus/$$t build-fuzz/corpus/$$t || exit 1; \
	done

# install also keeps a copy of the source in PREFIX/share/nnlab/source, for
# `nnlab autograder` (the Gradescope zip builds nnlab from it): what this
# recipe needs, and the student copies of the sets only, never
# exercises/private/ (autograder.source_files in lua/nnlab/autograder.lua
# keeps the same rule; tests/autograder_spec.lua holds one to the other).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab/sets \
	  $(DESTDIR)$(PREFIX)/lib/lua/5.4/nnlab
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/nnlab
	install -m 644 lua/nnlab.lua $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab.lua
	for f in $(wildcard lua/nnlab/*.lua); do \
	  install -m 644 $$f $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab/ || exit 1; done
	for f in $(SETS); do d=$(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab/sets/$${f#exercises/}; \
	  install -d $${d%/*} && install -m 644 $$f $$d || exit 1; done
	install -m 755 $(MODULE) $(DESTDIR)$(PREFIX)/lib/lua/5.4/nnlab/core.so
	rm -rf $(DESTDIR)$(PREFIX)/share/nnlab/source
	find Makefile nnlab.1 src lua tools exercises \( -path exercises/private -o -name __pycache__ \
	  -o -name '.*' \) -prune -o -type f -print | LC_ALL=C sort | while IFS= read -r f; do \
	  case $$f in *~|*.pyc|exercises/private/*) continue ;; \
	    Makefile|nnlab.1|src/*.[ch]|lua/*.lua|tools/*|exercises/*.lua|exercises/*.md) ;; *) continue ;; esac; \
	  if [ -x "$$f" ]; then m=755; else m=644; fi; \
	  install -D -m $$m "$$f" "$(DESTDIR)$(PREFIX)/share/nnlab/source/$$f" || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nnlab $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab.lua \
	  $(DESTDIR)$(PREFIX)/lib/lua/5.4/nnlab/core.so
	rm -rf $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab $(DESTDIR)$(PREFIX)/share/nnlab

# --- arm64 under emulation (README, "Building and testing") ----------------
# A cross build in build-arm64/ (Debian's aarch64-linux-gnu-gcc and the arm64
# multiarch libraries) and the test suite run by qemu-aarch64, without
# binfmt_misc: build-arm64/run/ holds a wrapper for each arm64 program the
# specs run (tools/emulate.sh), and its bin/ an arm64 lua5.4 first in PATH,
# so that busted, the module specs and `lua5.4` in the specs run on arm64.
# The bytecode compiler and the pseudo-terminal driver run on this machine.
# ARM64_SPECS: the specs to run (CI's subset: test-arm64-ci), by default
# all.  ARM64_TIME_SCALE: NNLAB_TIME_SCALE for the specs, the factor by which
# tests/hostile_spec.lua scales its sets' time limits (parts of 1 s) and its
# wall-clock bounds (runs of 3 to 8 s), which are set for native speed: the
# emulator runs Lua about 9 times slower, and unscaled a part would trip its
# time limit before the instruction or memory limit its case is about.
ARM64 = build-arm64
ARM64_CC = aarch64-linux-gnu-gcc
ARM64_ROOT = $(ARM64)/root
ARM64_RUN = $(ARM64)/run
QEMU_ARM64 = qemu-aarch64
ARM64_PKG_CONFIG = PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
ARM64_PROGRAMS = nnlab-arm64 kernels-test embedload-test faultinject $(FUZZ_TARGETS:%=fuzz/%_replay)
ARM64_MAKE = $(MAKE) BUILD=$(ARM64) BIN=$(ARM64)/nnlab-arm64 CC=$(ARM64_CC) HOST_CC=$(CC) \
  PKG_CONFIG='$(ARM64_PKG_CONFIG)' HOST_LUA_CFLAGS='$(LUA_CFLAGS)' HOST_LUA_LIBS='$(LUA_LIBS)'
ARM64_SPECS ?= $(wildcard tests/*_spec.lua)
ARM64_TIME_SCALE = 10
ARM64_PRELOAD = PATH=$(abspath $(ARM64_RUN))/bin:$$$$PATH NNLAB_EMULATOR=$(shell command -v $(QEMU_ARM64)) \
  NNLAB_TIME_SCALE=$(ARM64_TIME_SCALE)
# CI's subset (.ci/run): the kernels, matrix, nn, the homework reproductions
# and the numpy fixtures, training, and the program over a pipe.
ARM64_CI_SPECS = tests/perf_spec.lua tests/arch_spec.lua tests/matrix_spec.lua tests/rng_spec.lua \
  tests/nn_activation_spec.lua tests/nn_linear_spec.lua tests/nn_loss_spec.lua \
  tests/nn_sequential_spec.lua tests/nn_homework_spec.lua tests/optim_spec.lua \
  tests/train_spec.lua tests/textio_spec.lua tests/embedded_spec.lua tests/cli_spec.lua \
  tests/readme_spec.lua tests/grader_spec.lua
.PHONY: test-programs deps-arm64 arm64 test-arm64 test-arm64-ci
deps-arm64:
	@sh tools/deps.sh arm64 $(ARM64_ROOT)
arm64: deps-arm64
	+$(ARM64_MAKE) all
test-arm64: deps-arm64 deps-test
	+$(ARM64_MAKE) test-programs
	sh tools/emulate.sh $(QEMU_ARM64) $(ARM64_ROOT) $(ARM64) $(ARM64_RUN) $(ARM64_PROGRAMS)
	+$(ARM64_MAKE) TEST_BUILD=$(ARM64_RUN) TEST_BIN=$(ARM64_RUN)/nnlab-arm64 TEST_SPECS='$(ARM64_SPECS)' \
	  TEST_PRELOAD='$(ARM64_PRELOAD)' test
test-arm64-ci:
	+$(MAKE) ARM64_SPECS='$(ARM64_CI_SPECS)' test-arm64
# --- end of arm64 ----------------------------------------------------------

# --- The portable fallbacks, checked on Linux (README, "Other systems") -----
# NNLAB_NO_LINUX compiles the code paths other systems get (no
# PR_SET_PDEATHSIG, no close_range, no huge pages, no address-space limit)
# and the grader's specs run against that build.
PORTABLE_SPECS = tests/grader_spec.lua tests/hostile_spec.lua tests/grader_edges_spec.lua
.PHONY: test-portable
test-portable:
	+$(MAKE) BUILD=build-portable BIN=build-portable/nnlab-portable EXTRA_CFLAGS=-DNNLAB_NO_LINUX \
	  TEST_SPECS='$(PORTABLE_SPECS)' test
# --- end of the portable fallbacks -----------------------------------------

clean:
	rm -rf build build-asan build-fuzz build-arm64 build-portable $(BIN)

# --- Packaging: LuaRocks, the Debian package, the man page -----------------
# (README: "Using the library from stock Lua", "Building and testing".)
# Everything below is new targets and variables; above, only install's copy
# of the source gained nnlab.1 (so that `make install` works from that copy).

.PHONY: rock rock-install install-man uninstall-man deb deb-stage deb-check deps-deb

# The rockspecs (nnlab-scm-1.rockspec, nnlab-VERSION-1.rockspec) use LuaRocks'
# "make" backend: `luarocks make` runs `make rock` with LuaRocks' compiler,
# flags and Lua headers, then `make rock-install` into LuaRocks' directories.
# `rock` builds the C module alone in $(BUILD)/rock/, without pkg-config or
# tools/deps.sh (LuaRocks has found OpenBLAS itself: ROCK_BLAS_INCDIR), and
# keeps the kernels' -O3 whatever ROCK_CFLAGS says.
ROCK_BUILD = $(BUILD)/rock
ROCK_CFLAGS ?= -O2 -fPIC
ROCK_LIBFLAG ?= -shared
ROCK_LUA_INCDIR ?= /usr/include/lua5.4
ROCK_BLAS_INCDIR ?=
ROCK_BLAS_CFLAGS = $(shell pkg-config --cflags openblas 2>/dev/null) $(ROCK_BLAS_INCDIR:%=-I%)
ROCK_OBJ = $(CORE_SRC:src/%.c=$(ROCK_BUILD)/%.o)
ROCK_MODULE = $(ROCK_BUILD)/nnlab/core.so
$(addprefix $(ROCK_BUILD)/core/,mat.o nn.o net.o optim.o): ROCK_OPT = -O3 -fno-math-errno

$(ROCK_BUILD)/%.o: src/%.c src/*/*.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(ROCK_CFLAGS) $(ROCK_OPT) -D_POSIX_C_SOURCE=200809L $(LAYERS:%=-Isrc/%) \
	  -I$(ROCK_LUA_INCDIR) $(ROCK_BLAS_CFLAGS) -c $< -o $@

$(ROCK_MODULE): $(ROCK_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ROCK_CFLAGS) $(ROCK_LIBFLAG) -o $@ $^ -ldl -lm

rock: $(ROCK_MODULE)

# ROCK_LUADIR, ROCK_LIBDIR: where LuaRocks wants the Lua files and the C module.
rock-install: $(ROCK_MODULE)
	@test -n "$(ROCK_LUADIR)" && test -n "$(ROCK_LIBDIR)" || \
	  { echo 'rock-install: ROCK_LUADIR and ROCK_LIBDIR are LuaRocks'"'"' to give' >&2; exit 2; }
	install -d $(ROCK_LUADIR)/nnlab/sets $(ROCK_LIBDIR)/nnlab
	install -m 644 lua/nnlab.lua $(ROCK_LUADIR)/nnlab.lua
	install -m 644 $(wildcard lua/nnlab/*.lua) $(ROCK_LUADIR)/nnlab/
	for f in $(SETS); do d=$(ROCK_LUADIR)/nnlab/sets/$${f#exercises/}; \
	  install -d $${d%/*} && install -m 644 $$f $$d || exit 1; done
	install -m 755 $(ROCK_MODULE) $(ROCK_LIBDIR)/nnlab/core.so

# The man page, installed with the rest (`install` gains a prerequisite).
MAN_PAGE = nnlab.1
install: install-man
uninstall: uninstall-man
install-man:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(MAN_PAGE) $(DESTDIR)$(PREFIX)/share/man/man1/nnlab.1
uninstall-man:
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/nnlab.1

# The Debian package: build/nnlab_VERSION_ARCH.deb (tools/mkdeb.sh).  It is
# built in $(BUILD)/deb/ with Debian's hardening flags (dpkg-buildflags's:
# stack protector, _FORTIFY_SOURCE, full RELRO), then staged with
# `make install PREFIX=/usr`; its control files are in packaging/deb/.
# deb-check (as root) installs it, runs it, removes it and runs lintian
# (tools/debcheck.sh); it refuses to run when nnlab is installed already.
DEB_VERSION = $(shell sed -n 's/^\#define NNLAB_VERSION "\(.*\)"/\1/p' src/core/version.h)
DEB_ARCH ?= $(shell dpkg --print-architecture)
DEB_MULTIARCH ?= $(shell $(CC) -print-multiarch)
DEB = $(BUILD)/nnlab_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_BUILD = $(BUILD)/deb
DEB_CFLAGS = -fstack-protector-strong -Wformat -Werror=format-security -D_FORTIFY_SOURCE=2 \
  -ffile-prefix-map=$(CURDIR)=.
DEB_LDFLAGS = -Wl,-z,relro -Wl,-z,now -Wl,--as-needed

deps-deb:
	@sh tools/deps.sh deb

deb: deps-deb
	+$(MAKE) --no-print-directory BUILD=$(DEB_BUILD)/build BIN=$(DEB_BUILD)/build/nnlab-bin \
	  EXTRA_CFLAGS="$(DEB_CFLAGS)" LDFLAGS="$(DEB_LDFLAGS)" TEST_PRELOAD= \
	  PREFIX=/usr DESTDIR=$(abspath $(DEB_BUILD))/root deb-stage
	sh tools/mkdeb.sh $(DEB_BUILD)/root $(DEB) $(DEB_VERSION) $(DEB_ARCH) $(DEB_MULTIARCH)

deb-stage:
	@test -n "$(DESTDIR)" || { echo 'deb-stage: DESTDIR is empty' >&2; exit 2; }
	rm -rf $(DESTDIR)
	+$(MAKE) --no-print-directory install

deb-check: deb
	@sh tools/deps.sh deb-check
	sh tools/debcheck.sh $(DEB)

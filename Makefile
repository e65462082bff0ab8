# nnlab -- see README.md.  `make run` and `make test` are the quick start.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
PKGS = lua5.4 readline openblas
WARN = -std=c11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
       -Wpedantic -Wno-overlength-strings
# Recursive (=) so that pkg-config runs when a recipe needs it, after `deps`.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
ALL_CFLAGS = $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -fPIC -D_POSIX_C_SOURCE=200809L -Isrc $(PKG_CFLAGS)
LDLIBS = $(PKG_LIBS) -lm

BUILD ?= build
BIN ?= nnlab
# The program only: the REPL, and the grader's sandbox and child processes.
HOST_SRC = src/nnlab.c src/repl.c src/lsandbox.c src/lproc.c src/marshal.c
CORE_SRC = $(filter-out $(HOST_SRC), $(wildcard src/*.c))
CORE_OBJ = $(CORE_SRC:src/%.c=$(BUILD)/%.o)
HOST_OBJ = $(HOST_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/embedded.o
LUA_SRC = lua/nnlab.lua $(wildcard lua/nnlab/*.lua)
SETS = $(wildcard exercises/*.lua)
MODULE = $(BUILD)/nnlab/core.so

.PHONY: all run test deps deps-test asan test-asan install uninstall clean check-warnings

all: $(BIN) $(MODULE)

deps:
	@sh tools/deps.sh build

deps-test:
	@sh tools/deps.sh test

$(BUILD)/.dir:
	@mkdir -p $(BUILD)/nnlab && touch $@

$(BUILD)/%.o: src/%.c src/*.h | deps $(BUILD)/.dir
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/embedded.c: $(LUA_SRC) $(SETS) tools/embed.sh | $(BUILD)/.dir
	sh tools/embed.sh $(LUA_SRC) $(SETS) > $@

$(BUILD)/embedded.o: $(BUILD)/embedded.c src/embedded.h | deps
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BIN): $(HOST_OBJ) $(CORE_OBJ)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The Lua C module for stock lua5.4: liblua's symbols come from the interpreter.
$(MODULE): $(CORE_OBJ)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -shared -o $@ $^ \
	  $(shell pkg-config --libs openblas) -lm

run: all
	./$(BIN)

# Test helpers (a pseudo-terminal driver) live with the tests.
$(BUILD)/ptydrive: tests/ptydrive.c | deps $(BUILD)/.dir
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE -o $@ $< -lutil

TEST_ENV = NNLAB_BIN=$(abspath $(BIN)) NNLAB_PTYDRIVE=$(abspath $(BUILD)/ptydrive) \
  NNLAB_ROOT=$(CURDIR) \
  LUA_PATH='$(CURDIR)/lua/?.lua;$(CURDIR)/tests/?.lua;;' \
  LUA_CPATH='$(CURDIR)/$(BUILD)/?.so;;'
BUSTED = lua5.4 /usr/bin/busted --helper=tests/helper.lua -o tests/summary.lua

test: deps-test all $(BUILD)/ptydrive
	$(TEST_ENV) $(TEST_PRELOAD) $(BUSTED) tests

# AddressSanitizer + UBSan build in build-asan/, and the test suite under it.
# The module is loaded into stock lua5.4, so libasan is preloaded there.
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	$(MAKE) BUILD=build-asan BIN=build-asan/nnlab-asan EXTRA_CFLAGS="$(ASAN_FLAGS)" all
test-asan: asan
	$(MAKE) BUILD=build-asan BIN=build-asan/nnlab-asan EXTRA_CFLAGS="$(ASAN_FLAGS)" \
	  TEST_PRELOAD="LD_PRELOAD=$$($(CC) -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0" test

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab/sets \
	  $(DESTDIR)$(PREFIX)/lib/lua/5.4/nnlab
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/nnlab
	install -m 644 lua/nnlab.lua $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab.lua
	for f in $(wildcard lua/nnlab/*.lua); do \
	  install -m 644 $$f $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab/ || exit 1; done
	for f in $(SETS); do \
	  install -m 644 $$f $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab/sets/ || exit 1; done
	install -m 755 $(MODULE) $(DESTDIR)$(PREFIX)/lib/lua/5.4/nnlab/core.so

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nnlab $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab.lua \
	  $(DESTDIR)$(PREFIX)/lib/lua/5.4/nnlab/core.so
	rm -rf $(DESTDIR)$(PREFIX)/share/lua/5.4/nnlab

clean:
	rm -rf build build-asan $(BIN)

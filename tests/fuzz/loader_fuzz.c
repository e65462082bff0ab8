/*
 * loader_fuzz.c -- libFuzzer harness for the file loaders written in Lua
 * over C: nn.load (lua/nnlab/netfile.lua) when built with
 * -DFUZZ_LOADER=\"netfile\", data.load and matrix.load (lua/nnlab/data.lua,
 * src/lua/lio.c, src/core/textio.c) with -DFUZZ_LOADER=\"data\".
 *
 * One Lua state with the nnlab library (the embedded modules, as the nnlab
 * program loads them) serves every input.  The input is written to a file,
 * and the loader runs on it inside pcall.  A crash, a sanitizer report, or
 * an error that is not the loader's own (its message names it: "nn.load: ",
 * "data.load: ", "matrix.load: "; or "not enough memory") is a bug, and so
 * is an accepted file that does not come back the same after a save and a
 * load, or a net that cannot run forward.
 *
 * libFuzzer only sees the coverage of C code, and the loaders are mostly
 * Lua: built with -DFUZZ_LUA_COVERAGE, a line hook counts the pairs of
 * consecutive Lua lines run into libFuzzer's extra counters, so that it also
 * keeps the inputs that take new paths through the Lua code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "preload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FUZZ_LOADER
#define FUZZ_LOADER "netfile"
#endif

/* check(path, other) -> nothing, or raises "FUZZ BUG: ..." */
static const char driver[] =
  "local which, path, other = ...\n"
  "local nnlab = require 'nnlab'\n"
  "local matrix, nn, data = nnlab.matrix, nnlab.nn, nnlab.data\n"
  "local function bug(fmt, ...) error('FUZZ BUG: ' .. string.format(fmt, ...), 0) end\n"
  "local function expect(ok, err, prefix)\n"
  "  if ok then return true end\n"
  "  if type(err) ~= 'string' then bug('error object is a %s', type(err)) end\n"
  "  if not err:find(prefix, 1, true) and not err:find('not enough memory', 1, true) then\n"
  "    bug('not an error of the loader: %s', err)\n"
  "  end\n"
  "  return false\n"
  "end\n"
  "local function same(a, b)\n"  /* matrices, NaN equal to NaN */
  "  local ra, ca = a:shape()\n"
  "  local rb, cb = b:shape()\n"
  "  if ra ~= rb or ca ~= cb then return false end\n"
  "  for i = 1, ra do for j = 1, ca do\n"
  "    local x, y = a:get(i, j), b:get(i, j)\n"
  "    if x ~= y and (x == x or y == y) then return false end\n"
  "  end end\n"
  "  return true\n"
  "end\n"
  "if which == 'netfile' then\n"
  "  local ok, net, opt = pcall(nn.load, path)\n"
  "  if not expect(ok, net, 'nn.load: ') then return end\n"
  "  local first = net.modules[1]\n"
  "  local m = first and nn.kind(first) == 'Linear' and first.m or 2\n"
  "  local okf, err = pcall(net.forward, net, matrix.zeros(m, 2))\n"
  "  if not okf and not tostring(err):find('forward', 1, true) then\n"
  "    bug('the loaded net cannot run forward: %s', tostring(err))\n"
  "  end\n"
  "  nn.save(net, other, opt)\n"
  "  local back, opt2 = nn.load(other)\n"
  "  if tostring(back) ~= tostring(net) then bug('save and load gave another net') end\n"
  "  local p, q = net:parameters(), back:parameters()\n"
  "  for i = 1, #p do\n"
  "    if not same(p[i].value, q[i].value) then bug('parameter %d changed in a save and load', i) end\n"
  "  end\n"
  "  if (opt == nil) ~= (opt2 == nil) then bug('the optimizer was lost') end\n"
  "else\n"
  "  local ok, m = pcall(matrix.load, path)\n"
  "  if expect(ok, m, 'matrix.load: ') then\n"
  "    matrix.save(m, other)\n"
  "    if not same(matrix.load(other), m) then bug('matrix.save and load gave another matrix') end\n"
  "  end\n"
  "  local okd, X, Y, labels = pcall(data.load, path)\n"
  "  if expect(okd, X, 'data.load: ') then\n"
  "    local d, n = X:shape()\n"
  "    local k, ny = Y:shape()\n"
  "    if ny ~= n or labels:shape() ~= 1 or select(2, labels:shape()) ~= n or k < 1 then\n"
  "      bug('data.load: X %dx%d, Y %dx%d', d, n, k, ny)\n"
  "    end\n"
  "    if not same(Y:sum(1), matrix.ones(1, n)) then bug('data.load: Y is not one-hot') end\n"
  "  end\n"
  "  local okx, X2 = pcall(data.load, path, {label = false})\n"
  "  if expect(okx, X2, 'data.load: ') and ok and not same(X2, m:T()) then\n"
  "    bug('data.load(path, {label = false}) is not matrix.load(path):T()')\n"
  "  end\n"
  "end\n";

static lua_State *L;
static char path[64], other[64];

#ifdef FUZZ_LUA_COVERAGE
static uint8_t lua_counters[1 << 14] __attribute__((section("__libfuzzer_extra_counters")));

static void line_hook(lua_State *S, lua_Debug *ar) {
  static uintptr_t prev;
  uintptr_t here;
  if (!lua_getinfo(S, "S", ar))
    return;
  here = ((uintptr_t)ar->source * 31u) ^ (uintptr_t)ar->currentline * 2654435761u;
  lua_counters[(here ^ (prev >> 1)) % sizeof lua_counters]++;
  prev = here;
}
#endif

static void cleanup(void) {
  unlink(path);
  unlink(other);
}

static void setup(void) {
  L = luaL_newstate();
  if (L == NULL)
    abort();
  luaL_openlibs(L);
  preload_library(L);
  if (luaL_loadbuffer(L, driver, sizeof driver - 1, "=driver") != LUA_OK) {
    fprintf(stderr, "%s\n", lua_tostring(L, -1));
    abort();
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.driver");
#ifdef FUZZ_LUA_COVERAGE
  lua_sethook(L, line_hook, LUA_MASKLINE, 0);
#endif
  snprintf(path, sizeof path, "/tmp/nnlab-fuzz-%ld.in", (long)getpid());
  snprintf(other, sizeof other, "/tmp/nnlab-fuzz-%ld.out", (long)getpid());
  atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FILE *f;
  if (L == NULL)
    setup();
  f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    abort();
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.driver");
  lua_pushliteral(L, FUZZ_LOADER);
  lua_pushstring(L, path);
  lua_pushstring(L, other);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
    fprintf(stderr, "%s\n", lua_tostring(L, -1));
    abort();
  }
  lua_settop(L, 0);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}

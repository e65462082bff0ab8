/*
 * faultinject.c -- out-of-memory at every allocation of a script.
 *
 *   build/faultinject [-q] [-v] [-n N] [-s STRIDE] [-f N] SCRIPT DIR
 *
 * A Lua host with the nnlab library (the embedded Lua modules, the C core,
 * the grader's sandbox) and an allocator that fails one allocation.  It runs
 * SCRIPT once to count the allocations it makes (T), then runs it again for
 * every N in 1 .. T (or every STRIDE-th) with the Nth allocation failing.
 * Lua answers a failed allocation with an emergency collection and one more
 * try, so the retry fails too; the allocations after it succeed.  Each run
 * must end either normally (the failure was caught and recovered from) or
 * with an error whose message says "not enough memory", and afterwards:
 *   - the state still works (the REPL keeps going after such an error):
 *     a small computation gives the right answer;
 *   - no file descriptor is left open and no temporary file left in DIR.
 * The library is loaded once, before the runs, as the REPL loads it; with
 * -n the loading itself is tested instead: a fresh state for every N up to
 * the count of `require "nnlab"` (at most N runs).  -f N runs only the
 * one with the Nth allocation failing (to look at a failure).  At the end the state is
 * closed and every byte the allocator handed out must have come back; an
 * AddressSanitizer build (make faultinject-asan) also checks memory that is
 * not the allocator's (LeakSanitizer) and every access.
 * SCRIPT gets DIR (a scratch directory) as its first argument, ...
 * Prints the counts; exits 1 on any failed check.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "preload.h"

/* --- the allocator ------------------------------------------------------ */

static long nalloc;        /* growing requests so far */
static long fail_at;       /* the one to fail (0: none) */
static size_t retry_size;  /* the size Lua's retry of a failed request asks for */
static size_t live;        /* bytes handed out and not given back */
static long nfailed;       /* requests refused */
static long counted;       /* growing requests of the last run */

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  void *p;
  (void)ud;
  if (ptr == NULL)
    osize = 0;
  if (nsize == 0) {
    free(ptr);
    live -= osize;
    return NULL;
  }
  if (nsize > osize) {  /* Lua never expects a shrinking realloc to fail */
    nalloc++;
    if (nalloc == fail_at || (retry_size != 0 && nsize == retry_size)) {
      retry_size = retry_size == 0 ? nsize : 0;
      nfailed++;
      return NULL;
    }
    retry_size = 0;
  }
  p = realloc(ptr, nsize);
  if (p != NULL)
    live = live - osize + nsize;
  return p;
}

static void arm(long n) {
  nalloc = 0;
  fail_at = n;
  retry_size = 0;
}

/* --- the library, as the nnlab program loads it ------------------------- */

static int open_all(lua_State *L) {
  luaL_openlibs(L);
  preload_library(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "nnlab");
  lua_call(L, 1, 0);
  return 0;
}

/* --- checks --------------------------------------------------------------- */

static int failures;

static void fail(long n, const char *what, const char *detail) {
  failures++;
  if (failures <= 20)
    fprintf(stderr, "faultinject: allocation %ld failing: %s%s%s\n", n, what,
            detail ? ": " : "", detail ? detail : "");
}

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int n = 0;
  if (d == NULL)
    return -1;
  while ((e = readdir(d)) != NULL)
    n++;
  closedir(d);
  return n;
}

/* Remove the files the script made in dir (the script's own clean-up may
   be what ran out of memory); returns how many others there were: the
   temporary files of a write cut short (name.txt.XXXXXX) that were not
   removed. */
static int clean(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int others = 0;
  if (d == NULL)
    return -1;
  while ((e = readdir(d)) != NULL) {
    char path[4096];
    size_t len = strlen(e->d_name);
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (len < 4 || strcmp(e->d_name + len - 4, ".txt") != 0)
      others++;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    remove(path);
  }
  closedir(d);
  return others;
}

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  luaL_traceback(L, L, msg ? msg : "(not a string)", 1);
  return 1;
}

/* Run the compiled script (a copy of the function at index fn) with the
   Nth allocation failing; returns 1 if it ran to the end. */
static int run(lua_State *L, int fn, const char *dir, long n) {
  int status, top = lua_gettop(L);
  lua_pushcfunction(L, traceback);
  lua_pushvalue(L, fn);
  lua_pushstring(L, dir);
  arm(n);
  status = lua_pcall(L, 1, 0, top + 1);
  counted = nalloc;
  arm(0);
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (status != LUA_ERRMEM && (msg == NULL || strstr(msg, "not enough memory") == NULL))
      fail(n, "the error is not \"not enough memory\"", msg ? msg : "(not a string)");
  }
  lua_settop(L, top);
  return status == LUA_OK;
}

/* After a run: the state still computes, and nothing was left behind. */
static const char canary[] =
  "local nnlab = require 'nnlab'\n"
  "local m = nnlab.matrix{{1, 2}, {3, 4}}\n"
  "local net = nnlab.nn.Sequential({nnlab.nn.Linear(2, 2), nnlab.nn.Tanh()}, nnlab.nn.Squared())\n"
  "assert(net:forward(m):shape() == 2)\n"
  "return (m * m):sum() + m:T():get(1, 2)\n";

static void after(lua_State *L, long n, int fds, const char *dir) {
  int status;
  lua_gc(L, LUA_GCCOLLECT, 0);
  status = luaL_loadstring(L, canary);
  if (status == LUA_OK)
    status = lua_pcall(L, 0, 1, 0);
  if (status != LUA_OK)
    fail(n, "the state no longer works", lua_tostring(L, -1));
  else if (lua_tonumber(L, -1) != 57.0)
    fail(n, "the state computes a wrong answer", lua_tostring(L, -1));
  lua_pop(L, 1);
  if (count_fds() != fds)
    fail(n, "a file descriptor was left open", NULL);
  if (clean(dir) != 0)
    fail(n, "a temporary file was left in the scratch directory", NULL);
}

int main(int argc, char **argv) {
  const char *script, *dir;
  long total, n, stride = 1, startup = 0, completed = 0, runs = 0, only = 0;
  int quiet = 0, verbose = 0, fds, i;
  lua_State *L;
  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-q") == 0) quiet = 1;
    else if (strcmp(argv[i], "-v") == 0) verbose = 1;
    else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) stride = atol(argv[++i]);
    else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) startup = atol(argv[++i]);
    else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) only = atol(argv[++i]);
    else break;
  }
  if (argc - i != 2 || stride < 1) {
    fprintf(stderr, "usage: %s [-q] [-v] [-n N] [-s STRIDE] [-f N] SCRIPT DIR\n", argv[0]);
    return 2;
  }
  script = argv[i];
  dir = argv[i + 1];

  if (startup > 0) {  /* loading the library, in a fresh state each time */
    long loaded = 0;
    for (n = 1; n <= startup; n += stride) {
      int status;
      L = lua_newstate(alloc, NULL);
      if (L == NULL) {  /* the state's own first allocations */
        runs++;
        continue;
      }
      lua_pushcfunction(L, open_all);
      arm(n);
      status = lua_pcall(L, 0, 0, 0);
      counted = nalloc;
      arm(0);
      runs++;
      if (status == LUA_OK) {
        loaded++;
        if (verbose && counted >= n)
          fprintf(stderr, "faultinject: allocation %ld failing: loaded anyway\n", n);
        if (counted < n) {  /* loading takes fewer allocations than n */
          lua_close(L);
          break;
        }
      } else if (status != LUA_ERRMEM &&
                 strstr(lua_tostring(L, -1) ? lua_tostring(L, -1) : "", "not enough memory") == NULL) {
        fail(n, "loading failed otherwise", lua_tostring(L, -1));
      }
      lua_close(L);
      if (live != 0) {
        fail(n, "memory was not given back by lua_close", NULL);
        live = 0;
      }
    }
    printf("faultinject: loading the library: %ld runs, %ld loaded anyway, %ld allocations failed\n",
           runs, loaded, nfailed);
    return failures ? 1 : 0;
  }

  L = lua_newstate(alloc, NULL);
  if (L == NULL) {
    fprintf(stderr, "faultinject: cannot create a state\n");
    return 1;
  }
  lua_pushcfunction(L, open_all);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    fprintf(stderr, "faultinject: %s\n", lua_tostring(L, -1));
    return 1;
  }
  if (luaL_loadfile(L, script) != LUA_OK) {
    fprintf(stderr, "faultinject: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lua_gc(L, LUA_GCCOLLECT, 0);
  fds = count_fds();
  if (clean(dir) != 0) {
    fprintf(stderr, "faultinject: %s is not empty\n", dir);
    return 1;
  }

  /* Count the allocations of a run that fails nothing. */
  if (!run(L, 1, dir, 0)) {
    fprintf(stderr, "faultinject: the script fails on its own\n");
    return 1;
  }
  after(L, 0, fds, dir);
  run(L, 1, dir, 0);  /* the count of a second run: caches are warm */
  total = counted;
  after(L, 0, fds, dir);
  if (failures)
    return 1;

  for (n = only ? only : 1; n <= (only ? only : total); n += stride) {
    runs++;
    if (run(L, 1, dir, n)) {
      completed++;
      if (verbose)
        fprintf(stderr, "faultinject: allocation %ld failing: recovered\n", n);
    }
    after(L, n, fds, dir);
    if (!quiet && runs % 2000 == 0)
      fprintf(stderr, "faultinject: %ld of %ld\n", n, total);
  }
  lua_close(L);
  if (live != 0) {
    char buf[64];
    snprintf(buf, sizeof buf, "%zu bytes", live);
    fail(-1, "memory was not given back by lua_close", buf);
  }
  printf("faultinject: %s: %ld allocations per run; %ld runs, each failing one "
         "(%ld failed in all, with retries); %ld ended with \"not enough memory\", %ld "
         "recovered and finished; %d failed checks\n",
         script, total, runs, nfailed, runs - completed, completed, failures);
  return failures ? 1 : 0;
}

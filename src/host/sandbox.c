/*
 * sandbox.c -- the Lua-visible sandbox: a submission's code in a Lua state
 * of its own, under limits, reachable only through plain data.
 *
 * The checker's state (T) owns a Sandbox; the submission runs in the
 * sandbox's state (S), which has
 *   - a whitelisted environment: base (without dofile, loadfile, and with
 *     load for text chunks only, collectgarbage for "count" only, print
 *     captured, setmetatable refusing __gc), string (without dump), table,
 *     math, utf8, coroutine, os.clock/time/date, and the nnlab libraries it
 *     is given; no io, os, package, require or debug; the C types'
 *     metatables hidden (no finalizer can get in: Lua runs them unhooked);
 *   - an allocator with a byte cap (matrix data lives in userdata, so it
 *     counts);
 *   - a count hook charging instructions and watching the wall clock; once
 *     tripped it fires at every instruction, so pcall cannot swallow it;
 *     each coroutine resume is charged too; a timer trips it at the deadline
 *     and interrupts long C kernels (matrix products).
 * Values cross between the states only through marshal.c: plain data is
 * copied; anything else of the submission's (functions, tables with
 * metatables) stays in S and is known to T as a reference, which T can
 * call, index or call methods on, again inside S and under the limits.
 * The table a submission returns stays in S too, read a step at a time
 * (sb:lookup), so that only what a checker asks for is copied.
 * What the sandbox cannot stop (Lua's own C functions run without hooks:
 * a backtracking pattern can run for hours) is left to the grader, which
 * kills the process at the part's wall-clock deadline.
 * Every use of S runs inside lua_pcall in S, so no error of S can escape
 * into T.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "embedded.h"
#include "lcore.h"
#include "lmatrix.h"
#include "clock.h"
#include "sandbox.h"
#include "marshal.h"
#include "rng.h"

#define SANDBOX_TNAME "nnlab.sandbox"
#define REF_TNAME "nnlab.sandbox.ref"
#define REFS_KEY "nnlab.sandbox.refs"   /* S's registry: id -> value */
#define SEEDER_KEY "nnlab.sandbox.randomseed"  /* S's registry: math.randomseed */

#define HOOK_STEP 1000       /* instructions between two hook calls */
#define RESUME_COST 1000     /* what a coroutine.resume costs, in instructions */
#define MAX_ERRMSG 4096

enum { TRIP_NONE, TRIP_TIME, TRIP_STEPS };

typedef struct Sandbox {
  lua_State *S;
  size_t mem, mem_limit;
  double steps, step_limit;       /* instructions run, and allowed */
  double time_used, time_limit;   /* seconds spent in the submission */
  double deadline;                /* of the current entry, monotonic */
  volatile sig_atomic_t tripped;  /* also set by on_alarm */
  int nrefs;
  char *out;                      /* captured output, at most out_limit */
  size_t out_len, out_limit;
  int out_dropped;
} Sandbox;

static Sandbox *active;  /* the sandbox whose code runs now, for on_alarm */

static Sandbox *sandbox_of(lua_State *S) {
  return *(Sandbox **)lua_getextraspace(S);
}

/* --- limits ---------------------------------------------------------- */

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  Sandbox *sb = (Sandbox *)ud;
  void *p;
  if (ptr == NULL)
    osize = 0;
  if (nsize == 0) {
    free(ptr);
    sb->mem -= osize;
    return NULL;
  }
  if (nsize > osize && nsize - osize > sb->mem_limit - sb->mem)
    return NULL;  /* over the cap: Lua raises "not enough memory" */
  p = realloc(ptr, nsize);
  if (p != NULL)
    sb->mem = sb->mem - osize + nsize;
  return p;
}

static const char *tripmsg(int why) {
  return why == TRIP_TIME ? "time limit exceeded" : "instruction limit exceeded";
}

static void hook(lua_State *S, lua_Debug *ar) {
  Sandbox *sb = sandbox_of(S);
  (void)ar;
  if (!sb->tripped) {
    sb->steps += HOOK_STEP;
    if (sb->steps > sb->step_limit)
      sb->tripped = TRIP_STEPS;
    else if (clock_seconds() > sb->deadline)
      sb->tripped = TRIP_TIME;
  }
  if (sb->tripped) {  /* from now on, at every instruction */
    lua_sethook(S, hook, LUA_MASKCOUNT, 1);
    luaL_error(S, "%s", tripmsg(sb->tripped));
  }
}

/* The deadline: trip now, so that a kernel's "interrupted" error is
   reported as the time limit it is, and the hook fires at once. */
static void on_alarm(int sig) {
  (void)sig;
  mat_interrupted = 1;  /* stops a long kernel */
  if (active != NULL) {
    if (!active->tripped)
      active->tripped = TRIP_TIME;
    lua_sethook(active->S, hook, LUA_MASKCOUNT, 1);
  }
}

static void arm(double seconds) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  if (seconds > 0) {
    it.it_value.tv_sec = (time_t)seconds;
    it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6) + 1;
  }
  setitimer(ITIMER_REAL, &it, NULL);
}

/* --- the submission's environment (functions that run in S) --------- */

static void emit(Sandbox *sb, const char *s, size_t len) {
  size_t room = sb->out_limit - sb->out_len;
  if (len > room) {
    sb->out_dropped++;
    len = room;
  }
  memcpy(sb->out + sb->out_len, s, len);
  sb->out_len += len;
}

static int s_print(lua_State *S) {
  Sandbox *sb = sandbox_of(S);
  int i, n = lua_gettop(S);
  for (i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(S, i, &len);
    if (i > 1)
      emit(sb, "\t", 1);
    emit(sb, s, len);
    lua_pop(S, 1);
  }
  emit(sb, "\n", 1);
  return 0;
}

static int s_setmetatable(lua_State *S) {
  if (lua_istable(S, 2)) {
    lua_pushliteral(S, "__gc");
    if (lua_rawget(S, 2) != LUA_TNIL)
      return luaL_error(S, "setmetatable: __gc metamethods are not allowed in a submission");
    lua_pop(S, 1);
  }
  lua_pushvalue(S, lua_upvalueindex(1));
  lua_insert(S, 1);
  lua_call(S, lua_gettop(S) - 1, 1);
  return 1;
}

static int s_collectgarbage(lua_State *S) {
  const char *opt = luaL_optstring(S, 1, "collect");
  if (strcmp(opt, "count") != 0)
    return luaL_error(S, "collectgarbage: only \"count\" is allowed in a submission");
  lua_pushnumber(S, (lua_Number)sandbox_of(S)->mem / 1024.0);
  return 1;
}

/* load(chunk [, name [, mode [, env]]]): text chunks only, into env or the
   submission's globals. */
static int s_load(lua_State *S) {
  size_t len;
  const char *s = luaL_checklstring(S, 1, &len);
  const char *name = luaL_optstring(S, 2, s);
  int status = luaL_loadbufferx(S, s, len, name, "t");
  if (status != LUA_OK) {
    luaL_pushfail(S);
    lua_insert(S, -2);
    return 2;
  }
  if (!lua_isnone(S, 4)) {
    lua_pushvalue(S, 4);
    if (!lua_setupvalue(S, -2, 1))
      lua_pop(S, 1);
  }
  return 1;
}

/* A coroutine's count hook starts afresh, so one that runs fewer than
   HOOK_STEP instructions is never charged by it: each resume is charged
   instead, through coroutine.resume and the functions coroutine.wrap makes. */
static void charge_resume(lua_State *S) {
  Sandbox *sb = sandbox_of(S);
  sb->steps += RESUME_COST;
  if (sb->steps > sb->step_limit && !sb->tripped)
    sb->tripped = TRIP_STEPS;
  if (sb->tripped)
    luaL_error(S, "%s", tripmsg(sb->tripped));
}

/* Call upvalue 1 with the arguments, return all its results. */
static int call_upvalue(lua_State *S) {
  lua_pushvalue(S, lua_upvalueindex(1));
  lua_insert(S, 1);
  lua_call(S, lua_gettop(S) - 1, LUA_MULTRET);
  return lua_gettop(S);
}

static int s_resume(lua_State *S) {
  charge_resume(S);
  return call_upvalue(S);
}

/* What coroutine.wrap returns: upvalue 1 is the function Lua's wrap made. */
static int s_wrapped(lua_State *S) {
  charge_resume(S);
  return call_upvalue(S);
}

static int s_wrap(lua_State *S) {
  lua_settop(S, 1);
  call_upvalue(S);
  lua_pushcclosure(S, s_wrapped, 1);
  return 1;
}

/* Replace t[name] by f with the old value as upvalue. */
static void wrap(lua_State *S, int t, const char *name, lua_CFunction f) {
  lua_getfield(S, t, name);
  lua_pushcclosure(S, f, 1);
  lua_setfield(S, t, name);
}

/* The library's modules: the build's bytecode, or their source (embedded.h).
   A submission's own code is text only (s_load): it can neither reach this
   loader's module index nor give it a chunk. */
static int embedded_loader(lua_State *S) {
  const EmbeddedModule *m = &embedded_modules[lua_tointeger(S, lua_upvalueindex(1))];
  if (embedded_load(S, m) != LUA_OK)
    return lua_error(S);
  lua_pushstring(S, m->name);
  lua_call(S, 1, 1);
  return 1;
}

/* Is name one of the space-separated words of list? */
static int haslib(const char *list, const char *name) {
  size_t n = strlen(name);
  const char *p = list;
  while ((p = strstr(p, name)) != NULL) {
    if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
      return 1;
    p += n;
  }
  return 0;
}

/* Lua runs __gc metamethods with hooks off, so a finalizer that loops would
   never be stopped.  setmetatable refuses __gc, but the C types (matrices,
   layers ...) get their metatables from the registry in C: hide those, as
   getmetatable sees them, so that no __gc can be added to them either.  (A
   __gc added to a metatable after setmetatable marks nothing.) */
static void hide_metatables(lua_State *S) {
  lua_pushnil(S);
  while (lua_next(S, LUA_REGISTRYINDEX)) {
    if (lua_type(S, -2) == LUA_TSTRING && lua_istable(S, -1)) {
      lua_pushliteral(S, "__name");
      if (lua_rawget(S, -2) == LUA_TSTRING && lua_rawequal(S, -1, -3)) {
        lua_pushliteral(S, "__metatable");
        lua_pushboolean(S, 0);
        lua_rawset(S, -4);
      }
      lua_pop(S, 1);
    }
    lua_pop(S, 1);
  }
}

/* Runs in S (protected): builds the environment.  Argument 1: a string of
   library names separated by spaces ("matrix nn"). */
static int s_setup(lua_State *S) {
  static const luaL_Reg libs[] = {
    {LUA_GNAME, luaopen_base}, {LUA_LOADLIBNAME, luaopen_package},
    {LUA_COLIBNAME, luaopen_coroutine}, {LUA_TABLIBNAME, luaopen_table},
    {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}
  };
  static const char *const removed[] = {"dofile", "loadfile", "require", "package", NULL};
  const char *want = luaL_checkstring(S, 1);
  const luaL_Reg *lib;
  int i, g;
  for (lib = libs; lib->func; lib++) {
    luaL_requiref(S, lib->name, lib->func, 1);
    lua_pop(S, 1);
  }
  lua_pushglobaltable(S);
  g = lua_gettop(S);
  /* os: the clock, time and date only */
  luaL_requiref(S, LUA_OSLIBNAME, luaopen_os, 0);
  lua_createtable(S, 0, 3);
  lua_getfield(S, -2, "clock"), lua_setfield(S, -2, "clock");
  lua_getfield(S, -2, "time"), lua_setfield(S, -2, "time");
  lua_getfield(S, -2, "date"), lua_setfield(S, -2, "date");
  lua_setfield(S, g, "os");
  lua_pop(S, 1);
  lua_getfield(S, g, "math");  /* kept for sb:seed, whatever the submission does */
  lua_getfield(S, -1, "randomseed");
  lua_setfield(S, LUA_REGISTRYINDEX, SEEDER_KEY);
  lua_pop(S, 1);
  lua_getfield(S, g, "string");
  lua_pushnil(S), lua_setfield(S, -2, "dump");
  lua_pop(S, 1);
  lua_pushcfunction(S, s_print), lua_setfield(S, g, "print");
  lua_pushcfunction(S, s_load), lua_setfield(S, g, "load");
  lua_pushcfunction(S, s_collectgarbage), lua_setfield(S, g, "collectgarbage");
  wrap(S, g, "setmetatable", s_setmetatable);
  lua_getfield(S, g, "coroutine");
  wrap(S, lua_gettop(S), "resume", s_resume);
  wrap(S, lua_gettop(S), "wrap", s_wrap);
  lua_pop(S, 1);
  /* The nnlab libraries, from the embedded modules only (no file searcher). */
  lua_getfield(S, g, "package");
  lua_getfield(S, -1, "searchers");
  lua_createtable(S, 1, 0);
  lua_rawgeti(S, -2, 1);  /* the preload searcher */
  lua_rawseti(S, -2, 1);
  lua_setfield(S, -3, "searchers");
  lua_pop(S, 1);
  lua_getfield(S, -1, "preload");
  lua_pushcfunction(S, luaopen_nnlab_core), lua_setfield(S, -2, "nnlab.core");
  for (i = 0; embedded_modules[i].name != NULL; i++) {
    if (strncmp(embedded_modules[i].name, "nnlab.sets.", 11) == 0)
      continue;  /* the exercise sets hold the reference solutions */
    lua_pushinteger(S, i);
    lua_pushcclosure(S, embedded_loader, 1);
    lua_setfield(S, -2, embedded_modules[i].name);
  }
  lua_pop(S, 2);
  /* The core without its file functions (every library below shares this
     table through package.loaded). */
  lua_getfield(S, g, "require");
  lua_pushliteral(S, "nnlab.core");
  lua_call(S, 1, 1);
  lua_pushnil(S);
  lua_setfield(S, -2, "io");
  lua_getfield(S, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushnil(S);
  lua_setfield(S, -2, "nnlab.io");
  lua_pop(S, 1);
  /* The grading child runs one BLAS thread; a submission may not ask for more. */
  lua_getfield(S, -1, "matrix");
  lua_pushnil(S), lua_setfield(S, -2, "threads");
  if (haslib(want, "matrix"))
    lua_setfield(S, g, "matrix");
  else
    lua_pop(S, 1);
  lua_pop(S, 1);
  if (haslib(want, "nn")) {
    lua_getfield(S, g, "require");
    lua_pushliteral(S, "nnlab.nn");
    lua_call(S, 1, 1);
    lua_pushnil(S), lua_setfield(S, -2, "save");  /* no files here */
    lua_pushnil(S), lua_setfield(S, -2, "load");
    lua_setfield(S, g, "nn");
  }
  for (i = 0; removed[i] != NULL; i++) {
    lua_pushnil(S);
    lua_setfield(S, g, removed[i]);
  }
  hide_metatables(S);
  lua_newtable(S);
  lua_setfield(S, LUA_REGISTRYINDEX, REFS_KEY);
  return 0;
}

/* --- references ------------------------------------------------------ */

/* In S: keep the value at idx in the refs table, return its id. */
static lua_Integer ref_dump_s(lua_State *S, int idx, void *ud) {
  Sandbox *sb = (Sandbox *)ud;
  lua_getfield(S, LUA_REGISTRYINDEX, REFS_KEY);
  lua_pushvalue(S, idx);
  lua_rawseti(S, -2, ++sb->nrefs);
  lua_pop(S, 1);
  return sb->nrefs;
}

/* In S: push the value of ref id. */
static void ref_load_s(lua_State *S, lua_Integer id, int type, void *ud) {
  (void)type, (void)ud;
  lua_getfield(S, LUA_REGISTRYINDEX, REFS_KEY);
  if (lua_rawgeti(S, -1, id) == LUA_TNIL)
    luaL_error(S, "unknown reference");
  lua_remove(S, -2);
}

static int isref(lua_State *L, int idx) {
  int r;
  if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
    return 0;
  luaL_getmetatable(L, REF_TNAME);
  r = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return r;
}

/* In T: the id of a reference, which must be into this sandbox (ud points
   to the sandbox's stack index). */
static lua_Integer ref_dump_t(lua_State *L, int idx, void *ud) {
  lua_Integer id;
  if (!isref(L, idx))
    luaL_error(L, "a %s cannot be passed to the submission", luaL_typename(L, idx));
  lua_pushliteral(L, "sandbox");
  lua_rawget(L, idx);
  if (!lua_rawequal(L, -1, *(int *)ud))
    luaL_error(L, "a reference into another submission");
  lua_pushliteral(L, "id");
  lua_rawget(L, idx);
  id = lua_tointeger(L, -1);
  lua_pop(L, 2);
  return id;
}

/* In T: push a reference table {sandbox =, id =, type =}. */
static void ref_load_t(lua_State *L, lua_Integer id, int type, void *ud) {
  int sbidx = *(int *)ud;
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, sbidx);
  lua_setfield(L, -2, "sandbox");
  lua_pushinteger(L, id);
  lua_setfield(L, -2, "id");
  lua_pushstring(L, lua_typename(L, type));
  lua_setfield(L, -2, "type");
  lmat_setclass(L, REF_TNAME);
}

static int ref_tostring(lua_State *L) {
  lua_getfield(L, 1, "type");
  lua_getfield(L, 1, "id");
  lua_pushfstring(L, "<submission's %s #%s>", lua_tostring(L, -2), lua_tostring(L, -1));
  return 1;
}

/* --- running in S ------------------------------------------------------ */

enum { OP_RUN, OP_CALL, OP_METHOD, OP_INDEX, OP_LOOKUP, OP_SEED };

typedef struct Job {
  Sandbox *sb;
  int op;
  const char *data;  /* OP_RUN: source; else marshalled {n =, ...} */
  size_t len;
  const char *name;  /* OP_RUN: chunk name */
  lua_Integer seed;
} Job;

static int s_job(lua_State *S);

/* The message handler: a traceback of the submission's frames, none when
   the error comes from s_job itself (a syntax error). */
static int msgh(lua_State *S) {
  lua_Debug ar;
  if (lua_type(S, 1) != LUA_TSTRING)
    return 1;
  if (lua_getstack(S, 1, &ar) && lua_getinfo(S, "f", &ar)) {
    int direct = lua_tocfunction(S, -1) == s_job;
    lua_pop(S, 1);
    if (direct)
      return 1;
  }
  luaL_traceback(S, S, lua_tostring(S, 1), 1);
  return 1;
}

/* Runs in S (protected): the job; leaves the marshalled results. */
static int s_job(lua_State *S) {
  Job *job = (Job *)lua_touserdata(S, 1);
  MarshalRefs refs;
  int i, n, base;
  refs.dump = ref_dump_s;
  refs.load = ref_load_s;
  refs.ud = job->sb;
  refs.refdepth = MARSHAL_MAXDEPTH;
  lua_settop(S, 0);
  if (job->op == OP_SEED) {  /* Lua seeds math.random from the clock */
    rng_seed(lmat_rng(S), (uint32_t)job->seed);
    lua_getfield(S, LUA_REGISTRYINDEX, SEEDER_KEY);
    lua_pushinteger(S, job->seed);
    lua_call(S, 1, 0);
    lua_pushnil(S);
    marshal_dump(S, 1, NULL);
    return 1;
  }
  if (job->op == OP_RUN) {
    if (luaL_loadbufferx(S, job->data, job->len, job->name, "t") != LUA_OK)
      return lua_error(S);
    lua_call(S, 0, 1);
    refs.refdepth = 0;  /* a table of answers stays here: see OP_LOOKUP */
    marshal_dump(S, 1, &refs);
    return 1;
  }
  marshal_load(S, job->data, job->len, &refs);  /* {n =, f or obj, ...} */
  lua_getfield(S, 1, "n");
  n = (int)lua_tointeger(S, -1);
  lua_pop(S, 1);
  luaL_checkstack(S, n + 4, "too many arguments");
  base = lua_gettop(S);
  for (i = 1; i <= n; i++)
    lua_rawgeti(S, 1, i);
  if (job->op == OP_INDEX || job->op == OP_LOOKUP) {  /* obj, key -> obj[key] */
    lua_gettable(S, base + 1);
    lua_remove(S, base + 1);
    if (job->op == OP_LOOKUP)
      refs.refdepth = 1;  /* a table result, at depth 1 in {n =, ...}, stays here */
  } else {
    if (job->op == OP_METHOD) {  /* obj, name, args -> obj[name], obj, args */
      lua_pushvalue(S, base + 2);
      lua_gettable(S, base + 1);
      lua_replace(S, base + 2);
      lua_pushvalue(S, base + 1);
      lua_copy(S, base + 2, base + 1);
      lua_replace(S, base + 2);
    }
    lua_call(S, lua_gettop(S) - base - 1, LUA_MULTRET);
  }
  /* pack the results as {n =, ...} and marshal them */
  n = lua_gettop(S) - base;
  lua_createtable(S, n, 1);
  lua_insert(S, base + 1);
  for (i = n; i >= 1; i--)
    lua_rawseti(S, base + 1, i);
  lua_pushinteger(S, n);
  lua_setfield(S, base + 1, "n");
  marshal_dump(S, base + 1, &refs);
  return 1;
}

/* Push on T the message of a failed run in S (never calling into S). */
static void push_error(lua_State *L, Sandbox *sb, int status) {
  lua_State *S = sb->S;
  char num[64];
  if (sb->tripped == TRIP_TIME) {
    snprintf(num, sizeof num, "%.15g", sb->time_limit);
    lua_pushfstring(L, "time limit exceeded (the limit is %s s)", num);
  } else if (sb->tripped == TRIP_STEPS) {
    snprintf(num, sizeof num, "%.15g", sb->step_limit);
    lua_pushfstring(L, "instruction limit exceeded (the limit is %s instructions)", num);
  } else if (status == LUA_ERRMEM) {
    snprintf(num, sizeof num, "%.4g", (double)sb->mem_limit / (1 << 20));
    lua_pushfstring(L, "not enough memory (the limit is %s MiB)", num);
  } else if (lua_type(S, -1) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(S, -1, &len);
    lua_pushlstring(L, s, len > MAX_ERRMSG ? MAX_ERRMSG : len);
  } else if (lua_type(S, -1) == LUA_TNUMBER)
    lua_pushfstring(L, "%f", (double)lua_tonumber(S, -1));
  else
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(S, -1));
}

/* Run job in S under the limits; on T push true and the results, or false
   and a message.  Returns the number of values pushed. */
static int run(lua_State *L, int sbidx, Job *job) {
  Sandbox *sb = job->sb;
  lua_State *S = sb->S;
  double start, left;
  int status;
  MarshalRefs refs;
  if (S == NULL)
    return luaL_error(L, "sandbox is closed");
  lua_settop(S, 0);
  if (sb->tripped) {
    lua_pushboolean(L, 0);
    push_error(L, sb, LUA_ERRRUN);
    return 2;
  }
  if (!lua_checkstack(S, 4))
    return luaL_error(L, "sandbox: no stack space");
  start = clock_seconds();
  left = sb->time_limit - sb->time_used;
  sb->deadline = start + left;
  lua_pushcfunction(S, msgh);
  lua_pushcfunction(S, s_job);
  lua_pushlightuserdata(S, job);
  active = sb;
  mat_interrupted = 0;
  lua_sethook(S, hook, LUA_MASKCOUNT, HOOK_STEP);
  arm(left > 0 ? left : 1e-3);
  status = lua_pcall(S, 1, 1, 1);
  arm(0);
  active = NULL;
  mat_interrupted = 0;
  sb->time_used += clock_seconds() - start;
  if (status != LUA_OK) {
    lua_pushboolean(L, 0);
    push_error(L, sb, status);
    lua_settop(S, 0);
    return 2;
  }
  refs.dump = ref_dump_t;
  refs.load = ref_load_t;
  refs.ud = &sbidx;
  refs.refdepth = MARSHAL_MAXDEPTH;
  {
    size_t len;
    const char *s = lua_tolstring(S, -1, &len);
    lua_pushboolean(L, 1);
    marshal_load(L, s, len, &refs);
  }
  lua_settop(S, 0);
  if (job->op == OP_RUN || job->op == OP_SEED)
    return 2;
  /* unpack {n =, ...} */
  {
    int i, n, t = lua_gettop(L);
    lua_getfield(L, t, "n");
    n = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    luaL_checkstack(L, n, "too many results");
    for (i = 1; i <= n; i++)
      lua_rawgeti(L, t, i);
    lua_remove(L, t);
    return n + 1;
  }
}

/* --- the Lua-visible sandbox in T -------------------------------------- */

static Sandbox *checksb(lua_State *L) {
  Sandbox *sb = (Sandbox *)luaL_checkudata(L, 1, SANDBOX_TNAME);
  luaL_argcheck(L, lua_rawlen(L, 1) == sizeof(Sandbox), 1,  /* not debug.setmetatable's */
                "sandbox expected, got another userdata with its metatable");
  return sb;
}

static double optfield(lua_State *L, int t, const char *k, double def) {
  double x;
  lua_getfield(L, t, k);
  x = luaL_optnumber(L, -1, def);
  lua_pop(L, 1);
  if (!(x > 0))
    luaL_error(L, "sandbox: %s must be positive", k);
  return x;
}

/* sandbox.new{memory =, instructions =, seconds =, output =, libs =} */
static int sb_new(lua_State *L) {
  Sandbox *sb;
  const char *libs;
  int status;
  lua_settop(L, 1);
  if (lua_isnil(L, 1))
    lua_newtable(L), lua_replace(L, 1);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "libs");
  libs = luaL_optstring(L, -1, "matrix nn");
  sb = (Sandbox *)lua_newuserdatauv(L, sizeof(Sandbox), 0);
  memset(sb, 0, sizeof *sb);
  lmat_setclass(L, SANDBOX_TNAME);
  sb->mem_limit = (size_t)optfield(L, 1, "memory", 256.0 * 1024 * 1024);
  sb->step_limit = optfield(L, 1, "instructions", 2e9);
  sb->time_limit = optfield(L, 1, "seconds", 10.0);
  sb->out_limit = (size_t)optfield(L, 1, "output", 64.0 * 1024);
  sb->out = (char *)malloc(sb->out_limit);
  sb->S = sb->out ? lua_newstate(sb_alloc, sb) : NULL;
  if (sb->S == NULL)
    return luaL_error(L, "sandbox: not enough memory");
  *(Sandbox **)lua_getextraspace(sb->S) = sb;
  lua_pushcfunction(sb->S, s_setup);
  lua_pushstring(sb->S, libs);
  status = lua_pcall(sb->S, 1, 0, 0);
  if (status != LUA_OK) {
    lua_pushfstring(L, "sandbox: cannot set up (%s)",
                    lua_isstring(sb->S, -1) ? lua_tostring(sb->S, -1) : "?");
    return lua_error(L);
  }
  return 1;
}

static void close_sb(Sandbox *sb) {
  if (sb->S != NULL) {
    lua_close(sb->S);
    sb->S = NULL;
  }
  free(sb->out);
  sb->out = NULL;
}

static int sb_gc(lua_State *L) {
  if (lua_rawlen(L, 1) != sizeof(Sandbox))
    return 0;  /* another userdata given the metatable */
  close_sb(checksb(L));
  return 0;
}

/* sb:run(source [, chunkname]) -> true, value | false, message; a table
   value comes back as a reference (read it with sb:lookup and sb:index).
   A UTF-8 byte order mark and a first line starting with '#' are skipped. */
static int sb_run(lua_State *L) {
  Job job;
  size_t len;
  const char *src = luaL_checklstring(L, 2, &len);
  job.sb = checksb(L);
  job.name = luaL_optstring(L, 3, "=submission");
  if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
    src += 3, len -= 3;
  if (len > 0 && src[0] == '#') {  /* keep the newline: line numbers stay */
    while (len > 0 && src[0] != '\n')
      src++, len--;
  }
  job.op = OP_RUN;
  job.data = src;
  job.len = len;
  return run(L, 1, &job);
}

/* Marshal arguments from..top (as {n =, ...}) and run op on them. */
static int sb_op(lua_State *L, int op, int from) {
  Job job;
  MarshalRefs refs;
  int i, n = lua_gettop(L) - from + 1, sbidx = 1;
  job.sb = checksb(L);
  job.op = op;
  lua_createtable(L, n, 1);
  for (i = 1; i <= n; i++) {
    lua_pushvalue(L, from + i - 1);
    lua_rawseti(L, -2, i);
  }
  lua_pushinteger(L, n);
  lua_setfield(L, -2, "n");
  refs.dump = ref_dump_t;
  refs.load = ref_load_t;
  refs.ud = &sbidx;
  refs.refdepth = MARSHAL_MAXDEPTH;
  marshal_dump(L, -1, &refs);
  job.data = lua_tolstring(L, -1, &job.len);
  return run(L, 1, &job);
}

/* sb:call(f, ...) -> true, results... | false, message */
static int sb_call(lua_State *L) {
  luaL_checkany(L, 2);
  return sb_op(L, OP_CALL, 2);
}

/* sb:method(obj, name, ...): obj[name](obj, ...) in the submission */
static int sb_method(lua_State *L) {
  luaL_checkany(L, 2);
  luaL_checkstring(L, 3);
  return sb_op(L, OP_METHOD, 2);
}

/* sb:index(obj, key): obj[key] in the submission */
static int sb_index(lua_State *L) {
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  return sb_op(L, OP_INDEX, 2);
}

/* sb:lookup(obj, key): obj[key] in the submission, where a table comes
   back as a reference rather than a copy.  A path of lookups then copies
   only what is at its end: a huge or cyclic table elsewhere in the answers
   costs nothing. */
static int sb_lookup(lua_State *L) {
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  return sb_op(L, OP_LOOKUP, 2);
}

/* sb:seed(s): seeds the submission's matrix random stream and math.random */
static int sb_seed(lua_State *L) {
  Job job;
  job.sb = checksb(L);
  job.op = OP_SEED;
  job.seed = luaL_checkinteger(L, 2);
  luaL_argcheck(L, job.seed >= 0 && job.seed <= 0xffffffffLL, 2, "seed out of range");
  return run(L, 1, &job);
}

/* sb:output() -> the output captured since the last call, and how many
   writes were cut short by the output limit. */
static int sb_output(lua_State *L) {
  Sandbox *sb = checksb(L);
  lua_pushlstring(L, sb->out ? sb->out : "", sb->out_len);
  lua_pushinteger(L, sb->out_dropped);
  sb->out_len = 0;
  sb->out_dropped = 0;
  return 2;
}

/* sb:usage() -> {memory = bytes, instructions =, seconds =, tripped = why|nil} */
static int sb_usage(lua_State *L) {
  Sandbox *sb = checksb(L);
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, (lua_Integer)sb->mem), lua_setfield(L, -2, "memory");
  lua_pushnumber(L, sb->steps), lua_setfield(L, -2, "instructions");
  lua_pushnumber(L, sb->time_used), lua_setfield(L, -2, "seconds");
  if (sb->tripped)
    lua_pushstring(L, tripmsg(sb->tripped)), lua_setfield(L, -2, "tripped");
  return 1;
}

static int sb_close(lua_State *L) {
  close_sb(checksb(L));
  return 0;
}

static const luaL_Reg methods[] = {
  {"run", sb_run}, {"call", sb_call}, {"method", sb_method}, {"index", sb_index},
  {"lookup", sb_lookup}, {"seed", sb_seed}, {"output", sb_output}, {"usage", sb_usage}, {"close", sb_close},
  {NULL, NULL}
};

int luaopen_nnlab_sandbox(lua_State *L) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  if (luaL_newmetatable(L, SANDBOX_TNAME)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, sb_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, REF_TNAME)) {
    lua_pushcfunction(L, ref_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, sb_new);
  lua_setfield(L, -2, "new");
  return 1;
}

/*
 * repl_sigint.c -- Ctrl-C for all Lua code: the signal handlers, the
 * coroutines Ctrl-C reaches, and repl_docall.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "mat.h"
#include "repl.h"
#include "repl_private.h"

#define MAXRESUMING 256 /* deeper nesting than Lua's C-call limit allows */

static lua_State *volatile running;               /* under repl_docall */
static lua_State *volatile resuming[MAXRESUMING]; /* coroutines being resumed */
static volatile sig_atomic_t nresuming;
static volatile sig_atomic_t interrupting; /* Ctrl-C while Lua code runs */
static volatile sig_atomic_t unanswered;   /* Ctrl-C not yet turned into an error */
volatile sig_atomic_t repl_got_sigint;     /* for the prompt */
volatile sig_atomic_t repl_got_sigwinch;
volatile sig_atomic_t repl_got_sigcont;

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  if (!interrupting) { /* left over from an earlier interruption */
    lua_sethook(L, NULL, 0, 0);
    return;
  }
  unanswered = 0;
  luaL_error(L, "interrupted!");
}

static void arm(lua_State *L) {
  lua_sethook(L, stop_hook, LUA_MASKCOUNT, 1);
}

/*
 * Signals go to any thread that does not block them, and the program has
 * threads (OpenBLAS's): a handler running elsewhere hands the signal on to the
 * main thread, where it interrupts pselect or Lua code.
 */
static pthread_t main_thread;

static int forwarded(int sig) {
  if (pthread_equal(pthread_self(), main_thread)) return 0;
  pthread_kill(main_thread, sig);
  return 1;
}

/*
 * As in lua.c, the SIGINT handler does not touch the Lua state beyond
 * setting a hook, which raises "interrupted!" at the next Lua instruction.
 * Hooks are per thread, so the handler also sets the hook on every coroutine
 * being resumed (our coroutine.resume and coroutine.wrap keep the list), and
 * it sets mat_interrupted, which long C kernels poll.  Until the interrupted
 * call returns, the hook stays: code that catches the error (pcall,
 * coroutine.resume) is stopped at its next instruction too.  Three Ctrl-C
 * that no Lua instruction answers (C code that does not poll) end the
 * program, as a second one does in lua.c.
 */
static void on_sigint(int sig) {
  if (forwarded(sig)) return;
  repl_got_sigint = 1;
  mat_interrupted = 1;
  if (running != NULL) {
    int i, n = nresuming;
    interrupting = 1;
    if (++unanswered >= 3) {
      static const char msg[] = "\nnnlab: not answering Ctrl-C: quitting\n";
      ssize_t r = write(STDERR_FILENO, msg, sizeof msg - 1);
      (void)r;
      signal(sig, SIG_DFL);
      raise(sig);
      return;
    }
    arm(running);
    for (i = 0; i < n && i < MAXRESUMING; i++) arm(resuming[i]);
  }
}

static void on_sigwinch_or_cont(int sig) {
  if (forwarded(sig)) return;
  if (sig == SIGCONT) repl_got_sigcont = 1;
  else repl_got_sigwinch = 1;
}

static int sigint_depth;
static struct sigaction old_sigint;

/* Catch SIGINT (nested calls allowed); no SA_RESTART, so that blocking
   reads return EINTR. */
static void catch_sigint(void) {
  if (sigint_depth++ == 0) {
    struct sigaction sa;
    main_thread = pthread_self();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sigint);
  }
}

static void release_sigint(void) {
  if (--sigint_depth == 0) sigaction(SIGINT, &old_sigint, NULL);
}

/* Resume co with narg values from L, as lua's coroutine library does, with
   co on the list of coroutines Ctrl-C reaches.  Returns the number of
   results moved to L, or -1 with the error object on L. */
static int resume(lua_State *L, lua_State *co, int narg) {
  int status, nres, listed = 0;
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  lua_xmove(L, co, narg);
  if (nresuming < MAXRESUMING) {
    resuming[nresuming] = co;
    nresuming = nresuming + 1;
    listed = 1;
  }
  if (interrupting) arm(co);
  status = lua_resume(co, L, narg, &nres);
  if (listed) nresuming = nresuming - 1;
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      return -1;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);
  return -1;
}

static int co_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  int r;
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  r = resume(L, co, lua_gettop(L) - 1);
  if (r < 0) {
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(r + 1));
  return r + 1;
}

static int wrap_call(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = resume(L, co, lua_gettop(L));
  if (r < 0) {
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) { /* an error in co: close it */
#if LUA_VERSION_RELEASE_NUM >= 50406
      status = lua_closethread(co, L);
#else
      status = lua_resetthread(co);
#endif
      lua_xmove(co, L, 1);
    }
    if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
      luaL_where(L, 1); /* where the wrapped function was called */
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  return r;
}

static int co_wrap(lua_State *L) {
  lua_State *co;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, wrap_call, 1);
  return 1;
}

/*
 * Code that catches "interrupted!" to stop cleanly (nnlab's fit returns what
 * it has learned) calls this from C, through the registry key
 * "nnlab.interrupt.ack" (see ltrain.c): the Ctrl-C counts as answered and
 * the hooks stop firing, so that the code can return normally.
 */
static int ack_interrupt(lua_State *L) {
  if (lua_gethook(L) == stop_hook) lua_sethook(L, NULL, 0, 0);
  interrupting = 0; /* hooks left on coroutines remove themselves */
  unanswered = 0;
  mat_interrupted = 0;
  return 0;
}

void repl_opencoroutines(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, LUA_COLIBNAME) == LUA_TTABLE) {
    lua_pushcfunction(L, co_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, co_wrap);
    lua_setfield(L, -2, "wrap");
  }
  lua_pop(L, 2);
  lua_pushcfunction(L, ack_interrupt);
  lua_setfield(L, LUA_REGISTRYINDEX, "nnlab.interrupt.ack");
}

/* Error message plus traceback, as lua.c makes them. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int repl_docall(lua_State *L, int narg, int nres) {
  int status, base = lua_gettop(L) - narg;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  catch_sigint();
  interrupting = 0;
  unanswered = 0;
  mat_interrupted = 0;
  running = L;
  status = lua_pcall(L, narg, nres, base);
  running = NULL;
  interrupting = 0;
  unanswered = 0;
  if (lua_gethook(L) == stop_hook) lua_sethook(L, NULL, 0, 0);
  release_sigint();
  lua_remove(L, base);
  return status;
}

static struct sigaction old_winch, old_cont;

void repl_catch_signals(void) {
  struct sigaction sa;
  catch_sigint();
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigwinch_or_cont;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGWINCH, &sa, &old_winch);
  sigaction(SIGCONT, &sa, &old_cont);
}

void repl_release_signals(void) {
  sigaction(SIGWINCH, &old_winch, NULL);
  sigaction(SIGCONT, &old_cont, NULL);
  release_sigint();
}

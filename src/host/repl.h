/*
 * repl.h -- the interactive read-eval-print loop, and the Ctrl-C handling
 * that the command line shares with it.
 */
#ifndef NNLAB_REPL_H
#define NNLAB_REPL_H

#include <lua.h>

#include "version.h"

#define NNLAB_VERSION_LINE "nnlab " NNLAB_VERSION " (" LUA_RELEASE ")"

/*
 * Replace coroutine.resume and coroutine.wrap by equivalents that keep track
 * of the coroutines being resumed, so that Ctrl-C reaches code running in
 * them, and register the acknowledgement of a handled Ctrl-C
 * ("nnlab.interrupt.ack" in the registry).  Call once, after the standard
 * libraries are open.
 */
void repl_opencoroutines(lua_State *L);

/*
 * Like lua_pcall(L, narg, nres, 0), with a message handler that appends a
 * traceback, and with Ctrl-C (SIGINT) interrupting the Lua code ("interrupted!"),
 * coroutines it resumes and C kernels polling mat_interrupted.
 */
int repl_docall(lua_State *L, int narg, int nres);

/*
 * Read, evaluate and print on standard input until end of file.  With a
 * terminal: readline editing, history, completion and colour; otherwise
 * lines are read plainly, without prompts.
 */
void repl_run(lua_State *L);

#endif

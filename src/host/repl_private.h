/*
 * repl_private.h -- what the REPL's files (repl.c, repl_sigint.c,
 * repl_complete.c) share with one another and with no other file.
 */
#ifndef NNLAB_REPL_PRIVATE_H
#define NNLAB_REPL_PRIVATE_H

#include <signal.h>

#include <lua.h>

/* Set by the signal handlers (repl_sigint.c), read and cleared by the
   prompt (repl.c's tty_getline), which waits in pselect with them blocked. */
extern volatile sig_atomic_t repl_got_sigint, repl_got_sigwinch, repl_got_sigcont;

/* For repl_run: catch SIGINT (as repl_docall does) and SIGWINCH and SIGCONT
   (without SA_RESTART), and give back the previous handlers. */
void repl_catch_signals(void);
void repl_release_signals(void);

/* Tab completion of L's names at readline's prompt (repl_complete.c). */
void repl_complete_open(lua_State *L);

/* Top-level locals that last (repl_locals.c).  repl_compile_entry, a
   lua_CFunction: (text, is_expression) -> the entry's function, the kept
   locals it names joined to its upvalues; or nil, message.
   repl_push_locals: push the table name -> a function whose first upvalue
   is that kept local. */
int repl_compile_entry(lua_State *L);
void repl_push_locals(lua_State *L);

#endif

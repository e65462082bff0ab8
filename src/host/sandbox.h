/* sandbox.h -- submissions in a Lua state of their own, under limits. */
#ifndef NNLAB_SANDBOX_H
#define NNLAB_SANDBOX_H

#include <lua.h>

/* The table {new = sandbox.new}; see sandbox.c. */
int luaopen_nnlab_sandbox(lua_State *L);

#endif

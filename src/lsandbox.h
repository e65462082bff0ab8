/* lsandbox.h -- submissions in a Lua state of their own, under limits. */
#ifndef NNLAB_LSANDBOX_H
#define NNLAB_LSANDBOX_H

#include <lua.h>

/* The table {new = sandbox.new}; see lsandbox.c. */
int luaopen_nnlab_sandbox(lua_State *L);

#endif

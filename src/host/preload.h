/* preload.h -- the whole library, loadable by require from the binary alone
   (see preload.c). */
#ifndef NNLAB_PRELOAD_H
#define NNLAB_PRELOAD_H

#include <lua.h>

/* Fill package.preload: every embedded Lua module, and the C modules
   nnlab.core, nnlab.sandbox, nnlab.proc and nnlab.embedded. */
void preload_library(lua_State *L);

#endif

/*
 * lcore.h -- the C module nnlab.core, for programs that link it in.
 */
#ifndef NNLAB_LCORE_H
#define NNLAB_LCORE_H

#include <lua.h>

int luaopen_nnlab_core(lua_State *L);

#endif

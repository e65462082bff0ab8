/*
 * lio.h -- core.io: text files of numbers, atomic writes, the terminal.
 */
#ifndef NNLAB_LIO_H
#define NNLAB_LIO_H

#include <lua.h>

int luaopen_nnlab_io(lua_State *L);

#endif

/*
 * lio.h -- core.io: text files of numbers, atomic writes, the terminal.
 */
#ifndef NNLAB_LIO_H
#define NNLAB_LIO_H

#include <lua.h>

/* The most bytes the loaders (matrix.load, data.load, nn.load) read from a
   file unless told otherwise ({max_bytes = n}): 256 MiB, some 30 million
   numbers, far more than a course's data; an endless file (/dev/zero) stops
   there instead of filling the memory. */
#define LIO_MAX_BYTES ((lua_Integer)256 << 20)

int luaopen_nnlab_io(lua_State *L);

#endif

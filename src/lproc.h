/* lproc.h -- child processes for grading (see lproc.c). */
#ifndef NNLAB_LPROC_H
#define NNLAB_LPROC_H

#include <lua.h>

/* The table {spawn =, poll =, now =, mkdir =, guard =, filetype =, isatty =}. */
int luaopen_nnlab_proc(lua_State *L);

#endif

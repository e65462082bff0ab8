/* proc.h -- child processes for grading (see proc.c). */
#ifndef NNLAB_PROC_H
#define NNLAB_PROC_H

#include <lua.h>

/* The table {spawn =, poll =, now =, mkdir =, guard =, filetype =, isatty =}. */
int luaopen_nnlab_proc(lua_State *L);

#endif

/*
 * nn_lua.h -- the Lua-visible neural-network types (nn.Linear, activations,
 * losses) over the kernels of nn.h, and the pieces their bindings share.
 */
#ifndef NNLAB_NN_LUA_H
#define NNLAB_NN_LUA_H

#include <lua.h>
#include <lauxlib.h>

#include "mat.h"

#define LLINEAR_TNAME "nn.Linear"
#define LACT_TNAME "nn.Activation"
#define LLOSS_TNAME "nn.Loss"
#define LOPTIM_TNAME "nn.Optimizer"
#define LDROPOUT_TNAME "nn.Dropout"

/* The table of constructors (Linear, Tanh, ..., NLLM, ..., kind). */
int luaopen_nnlab_nncore(lua_State *L);

/* Each binding adds its constructors to the table on top of the stack and
   registers its metatable. */
void llinear_register(lua_State *L);
void lactivation_register(lua_State *L);
void lloss_register(lua_State *L);
void loptim_register(lua_State *L);
void ldropout_register(lua_State *L);

/* The training loop's C helpers (ltrain.c), nnlab.core.train. */
int luaopen_nnlab_traincore(lua_State *L);

/* The matrix kept as user value uv of the userdata at index ud, replaced by
   a new rows x cols matrix when it is missing or has another shape.  Its
   contents are left as they were (or zero when new).  Does not touch the
   stack. */
Mat *lnn_buffer(lua_State *L, int ud, int uv, int rows, int cols);
/* The matrix in user value uv (NULL if none), pushed onto the stack. */
Mat *lnn_getbuffer(lua_State *L, int ud, int uv);
/* A metatable whose __index looks up methods first and then calls
   getfield(L) (self at 1, key at 2) for the rest; leaves it on the stack. */
void lnn_newclass(lua_State *L, const char *tname, const luaL_Reg *methods,
                  lua_CFunction getfield, lua_CFunction setfield,
                  lua_CFunction tostring);
/* "%.14g" into buf (at least 32 bytes), as Lua prints numbers. */
const char *lnn_num(char *buf, double x);

#endif

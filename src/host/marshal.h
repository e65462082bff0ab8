/*
 * marshal.h -- plain data between Lua states and processes.
 *
 * marshal_dump encodes a value of one state into bytes; marshal_load builds
 * a fresh copy of it in another state (or the same one, in another process).
 * Plain data is nil, booleans, integers and floats (kept apart, as
 * math.type sees them), strings, matrices (copied), and tables without
 * metatables whose keys are numbers, strings or booleans.  Anything else is
 * handed to the refs callbacks, or refused with an error.  Neither side ever
 * calls a metamethod.
 */
#ifndef NNLAB_MARSHAL_H
#define NNLAB_MARSHAL_H

#include <lua.h>

#define MARSHAL_MAXDEPTH 64

typedef struct MarshalRefs {
  /* The id (>= 0) under which to send the non-plain value at idx. */
  lua_Integer (*dump)(lua_State *L, int idx, void *ud);
  /* Push the value that stands for ref id; type is its lua_type. */
  void (*load)(lua_State *L, lua_Integer id, int type, void *ud);
  void *ud;
  /* Plain tables nested this deep (the value itself is at depth 0) are
     sent as references too; MARSHAL_MAXDEPTH for none. */
  int refdepth;
} MarshalRefs;

/* Push a string encoding the value at idx.  Raises a Lua error in L for a
   value that is not plain data when refs is NULL, or nests too deeply. */
void marshal_dump(lua_State *L, int idx, const MarshalRefs *refs);

/* Push the value encoded in s[0 .. len).  Raises a Lua error in L for bytes
   that are not such an encoding. */
void marshal_load(lua_State *L, const char *s, size_t len, const MarshalRefs *refs);

#endif

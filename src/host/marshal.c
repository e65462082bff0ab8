/*
 * marshal.c -- plain data between Lua states and processes (see marshal.h).
 *
 * The encoding is a tag byte per value, then its payload in host byte
 * order (it never leaves the machine): integers and floats as 8 bytes,
 * strings as an 8-byte length and the bytes, tables as their key-value
 * pairs between TABLE and END, matrices as rows, columns and the doubles.
 */
#include <string.h>

#include <lauxlib.h>

#include "lmatrix.h"
#include "marshal.h"

enum { T_NIL, T_FALSE, T_TRUE, T_INT, T_FLOAT, T_STRING, T_TABLE, T_END,
       T_MATRIX, T_REF };

/* The bytes grow in a userdata kept at stack slot `slot`: a larger one
   replaces it when full, and the collector takes the old ones, also after
   an error. */
typedef struct Writer {
  lua_State *L;
  int slot;
  char *p;
  size_t len, cap;
  const MarshalRefs *refs;
} Writer;

static void put(Writer *w, const void *src, size_t n) {
  if (n > w->cap - w->len) {
    size_t cap = w->cap;
    char *p;
    while (n > cap - w->len) {
      if (cap > ((size_t)-1) / 2)
        luaL_error(w->L, "data too large");
      cap *= 2;
    }
    p = (char *)lua_newuserdatauv(w->L, cap, 0);
    memcpy(p, w->p, w->len);
    lua_replace(w->L, w->slot);
    w->p = p;
    w->cap = cap;
  }
  memcpy(w->p + w->len, src, n);
  w->len += n;
}

static void puttag(Writer *w, int tag) {
  char c = (char)tag;
  put(w, &c, 1);
}

/* Writes the value at absolute index idx. */
static void dump(Writer *w, int idx, int depth) {
  lua_State *L = w->L;
  Mat *m;
  switch (lua_type(L, idx)) {
  case LUA_TNIL: puttag(w, T_NIL); return;
  case LUA_TBOOLEAN: puttag(w, lua_toboolean(L, idx) ? T_TRUE : T_FALSE); return;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      lua_Integer i = lua_tointeger(L, idx);
      puttag(w, T_INT);
      put(w, &i, sizeof i);
    } else {
      lua_Number x = lua_tonumber(L, idx);
      puttag(w, T_FLOAT);
      put(w, &x, sizeof x);
    }
    return;
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    unsigned long long n = len;
    puttag(w, T_STRING);
    put(w, &n, sizeof n);
    put(w, s, len);
    return;
  }
  case LUA_TTABLE:
    if (!lua_getmetatable(L, idx))
      break;  /* a plain table */
    lua_pop(L, 1);
    goto nonplain;
  case LUA_TUSERDATA:
    if ((m = lmat_test(L, idx)) != NULL) {
      int rc[2];
      rc[0] = m->rows;
      rc[1] = m->cols;
      puttag(w, T_MATRIX);
      put(w, rc, sizeof rc);
      put(w, m->v, mat_len(m) * sizeof(double));
      return;
    }
    goto nonplain;
  default:
    goto nonplain;
  }
  /* A plain table: its pairs, raw, keys restricted to plain scalars. */
  if (w->refs != NULL && depth >= w->refs->refdepth && depth < MARSHAL_MAXDEPTH)
    goto nonplain;
  if (depth >= MARSHAL_MAXDEPTH)
    luaL_error(L, "data nested more than %d levels deep (or a cycle)", MARSHAL_MAXDEPTH);
  luaL_checkstack(L, 4, "marshal");
  puttag(w, T_TABLE);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int kt = lua_type(L, -2);
    if (kt != LUA_TNUMBER && kt != LUA_TSTRING && kt != LUA_TBOOLEAN)
      luaL_error(L, "a table key is a %s (only numbers, strings and booleans)",
                 lua_typename(L, kt));
    dump(w, lua_absindex(L, -2), depth + 1);
    dump(w, lua_absindex(L, -1), depth + 1);
    lua_pop(L, 1);
  }
  puttag(w, T_END);
  return;
nonplain:
  if (w->refs == NULL) {
    luaL_error(L, "a %s is not plain data", luaL_typename(L, idx));
  } else {
    lua_Integer id = w->refs->dump(L, idx, w->refs->ud);
    char t = (char)lua_type(L, idx);
    puttag(w, T_REF);
    put(w, &id, sizeof id);
    put(w, &t, 1);
  }
}

void marshal_dump(lua_State *L, int idx, const MarshalRefs *refs) {
  Writer w;
  idx = lua_absindex(L, idx);
  luaL_checkstack(L, 8, "marshal");
  w.L = L;
  w.refs = refs;
  w.len = 0;
  w.cap = 256;
  w.p = (char *)lua_newuserdatauv(L, w.cap, 0);
  w.slot = lua_gettop(L);
  dump(&w, idx, 0);
  lua_pushlstring(L, w.p, w.len);
  lua_replace(L, w.slot);
}

typedef struct Reader {
  lua_State *L;
  const char *p, *end;
  const MarshalRefs *refs;
} Reader;

static void get(Reader *r, void *dst, size_t n) {
  if ((size_t)(r->end - r->p) < n)
    luaL_error(r->L, "marshal: truncated data");
  memcpy(dst, r->p, n);
  r->p += n;
}

static int gettag(Reader *r) {
  unsigned char c;
  get(r, &c, 1);
  return c;
}

/* Pushes the next value; returns its tag (T_END pushes nothing). */
static int load(Reader *r, int depth) {
  lua_State *L = r->L;
  int tag = gettag(r);
  luaL_checkstack(L, 4, "marshal");
  switch (tag) {
  case T_NIL: lua_pushnil(L); break;
  case T_FALSE: lua_pushboolean(L, 0); break;
  case T_TRUE: lua_pushboolean(L, 1); break;
  case T_INT: {
    lua_Integer i;
    get(r, &i, sizeof i);
    lua_pushinteger(L, i);
    break;
  }
  case T_FLOAT: {
    lua_Number x;
    get(r, &x, sizeof x);
    lua_pushnumber(L, x);
    break;
  }
  case T_STRING: {
    unsigned long long n;
    get(r, &n, sizeof n);
    if (n > (unsigned long long)(r->end - r->p))
      luaL_error(L, "marshal: truncated data");
    lua_pushlstring(L, r->p, (size_t)n);
    r->p += n;
    break;
  }
  case T_TABLE:
    if (depth >= MARSHAL_MAXDEPTH)
      luaL_error(L, "marshal: data nested too deeply");
    lua_newtable(L);
    while (load(r, depth + 1) != T_END) {
      if (lua_isnil(L, -1) || load(r, depth + 1) == T_END)
        luaL_error(L, "marshal: corrupt table");
      lua_rawset(L, -3);
    }
    break;
  case T_END: break;
  case T_MATRIX: {
    int rc[2];
    Mat *m;
    get(r, rc, sizeof rc);
    if (rc[0] < 0 || rc[1] < 0 ||
        (size_t)rc[0] * (size_t)rc[1] > (size_t)(r->end - r->p) / sizeof(double))
      luaL_error(L, "marshal: truncated data");
    m = lmat_push(L, rc[0], rc[1]);
    get(r, m->v, mat_len(m) * sizeof(double));
    break;
  }
  case T_REF: {
    lua_Integer id;
    char t;
    get(r, &id, sizeof id);
    get(r, &t, 1);
    if (r->refs == NULL)
      luaL_error(L, "marshal: unexpected reference");
    r->refs->load(L, id, t, r->refs->ud);
    break;
  }
  default:
    luaL_error(L, "marshal: corrupt data (tag %d)", tag);
  }
  return tag;
}

void marshal_load(lua_State *L, const char *s, size_t len, const MarshalRefs *refs) {
  Reader r;
  r.L = L;
  r.p = s;
  r.end = s + len;
  r.refs = refs;
  if (load(&r, 0) == T_END || r.p != r.end)
    luaL_error(L, "marshal: corrupt data");
}

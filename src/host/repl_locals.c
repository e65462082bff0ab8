/*
 * repl_locals.c -- top-level locals that last from one REPL entry to the
 * next, as a JavaScript REPL keeps `let`: `local x = 5` then `x` gives 5, and
 * an `ex.show` starter pasted line by line works.
 *
 * How: every entry is compiled inside a function, F, whose upvalues are the
 * session's kept locals:
 *
 *   local a, b; local __nnlab_pass, __nnlab_keep = ...; return function(...)
 *   <the entry, unchanged>
 *   ;__nnlab_keep(function() return x, y end, "x", "y")
 *   end
 *
 * The prelude declares the kept locals that the entry names (a, b), on the
 * entry's first line so that positions stay the entry's.  Running the
 * prelude gives F, whose upvalue a is then joined (lua_upvaluejoin) to the
 * session's variable a: the entry reads and assigns the very variable that
 * earlier entries and the closures they made use.  The entry's own top-level
 * locals (x, y: found by a small scanner that counts blocks) stay real locals
 * of F, with Lua's scoping (a `local x` shadows the kept x after it, and
 * `local x = x + 1` reads the kept x); the call appended after the last
 * statement (before a top-level `return`) hands their variables to the
 * session, which from then on joins later entries to them.  A `<const>`
 * whose value is known when compiled has no variable: its value is kept.
 *
 * An expression entry is compiled as `return __nnlab_pass(<expr>)`, so that a
 * call in it is not a tail call: the entry's frame stays on the stack, and an
 * error raised at the caller's level (error(msg, 2) in a library function)
 * names stdin:1.
 */
#include <ctype.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "repl_private.h"

/* registry: name -> a closure whose one upvalue is the kept variable */
static const char locals_key[] = "nnlab.repl.locals";
static const char cell_key[] = "nnlab.repl.cell"; /* makes such closures */

#define LOC_PASS "__nnlab_pass"
#define LOC_KEEP "__nnlab_keep"
#define LOC_PRELUDE_MAX 190 /* kept locals one entry may name (Lua: 200 locals) */

/* --- a scanner of Lua text: enough to find the top-level locals */

enum { LX_EOF, LX_NAME, LX_OTHER, LX_STRING, LX_NUMBER };

typedef struct Lex {
  const char *p, *end;
  const char *tok; /* the current token */
  size_t len;
  int type;
} Lex;

/* The level of a long bracket [==[ at p (its '='s), or -1. */
static int lx_long_level(const char *p, const char *end) {
  int n = 0;
  if (p >= end || *p != '[') return -1;
  for (p++; p < end && *p == '='; p++) n++;
  return p < end && *p == '[' ? n : -1;
}

/* Skip a long bracket of level n whose opening starts at p. */
static const char *lx_skip_long(const char *p, const char *end, int n) {
  p += n + 2;
  for (; p < end; p++) {
    if (*p == ']') {
      const char *q = p + 1;
      int k = 0;
      while (q < end && *q == '=') q++, k++;
      if (k == n && q < end && *q == ']') return q + 1;
    }
  }
  return end;
}

static int lx_next(Lex *x) {
  const char *p = x->p, *end = x->end;
  for (;;) { /* blanks and comments */
    while (p < end && isspace((unsigned char)*p)) p++;
    if (p + 1 < end && p[0] == '-' && p[1] == '-') {
      int n = lx_long_level(p + 2, end);
      if (n >= 0) {
        p = lx_skip_long(p + 2, end, n);
      } else {
        while (p < end && *p != '\n') p++;
      }
      continue;
    }
    break;
  }
  x->tok = p;
  if (p >= end) {
    x->type = LX_EOF;
  } else if (isalpha((unsigned char)*p) || *p == '_') {
    while (p < end && (isalnum((unsigned char)*p) || *p == '_')) p++;
    x->type = LX_NAME;
  } else if (isdigit((unsigned char)*p) || (*p == '.' && p + 1 < end && isdigit((unsigned char)p[1]))) {
    for (; p < end; p++) {
      if ((*p == '+' || *p == '-') && strchr("eEpP", p[-1]) != NULL) continue;
      if (!(isalnum((unsigned char)*p) || *p == '.')) break;
    }
    x->type = LX_NUMBER;
  } else if (*p == '"' || *p == '\'') {
    char q = *p++;
    while (p < end && *p != q && *p != '\n') {
      if (*p == '\\' && p + 1 < end) p++;
      p++;
    }
    if (p < end) p++;
    x->type = LX_STRING;
  } else if (lx_long_level(p, end) >= 0) {
    p = lx_skip_long(p, end, lx_long_level(p, end));
    x->type = LX_STRING;
  } else if (*p == '.') { /* . .. ... as one token */
    while (p < end && *p == '.' && p - x->tok < 3) p++;
    x->type = LX_OTHER;
  } else {
    p++;
    x->type = LX_OTHER;
  }
  x->len = (size_t)(p - x->tok);
  x->p = p;
  return x->type;
}

static int lx_is(const Lex *x, const char *s) {
  return x->len == strlen(s) && memcmp(x->tok, s, x->len) == 0;
}

static int lx_keyword(const Lex *x) {
  static const char *const kw[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
    "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
    "true", "until", "while", NULL
  };
  int i;
  if (x->type != LX_NAME) return 0;
  for (i = 0; kw[i] != NULL; i++)
    if (lx_is(x, kw[i])) return 1;
  return 0;
}

/* t[name] = true for the token's name, t at index idx. */
static void lx_mark(lua_State *L, int idx, const Lex *x) {
  lua_pushlstring(L, x->tok, x->len);
  lua_pushboolean(L, 1);
  lua_rawset(L, idx);
}

/*
 * Scan the chunk s[0 .. len), which compiles.  Fills the table at names with
 * the names it uses as variables (not after '.' or ':'), appends its
 * top-level locals to the list at decl (each once, in order; seen: a set of
 * them), and returns the offset of its top-level `return`, or len.
 */
static size_t scan_chunk(lua_State *L, const char *s, size_t len, int names, int decl, int seen) {
  Lex x;
  int depth = 0, field = 0;
  size_t ret = len;
  x.p = s;
  x.end = s + len;
  lx_next(&x);
  while (x.type != LX_EOF) {
    if (x.type == LX_NAME && !lx_keyword(&x)) {
      if (!field) lx_mark(L, names, &x);
    } else if (lx_is(&x, "function") || lx_is(&x, "do") || lx_is(&x, "if") || lx_is(&x, "repeat")) {
      depth++;
    } else if (lx_is(&x, "end") || lx_is(&x, "until")) {
      depth--;
    } else if (depth == 0 && lx_is(&x, "return") && ret == len) {
      ret = (size_t)(x.tok - s);
    } else if (depth == 0 && lx_is(&x, "local")) {
      int fn = 0;
      lx_next(&x);
      if (lx_is(&x, "function")) {
        fn = 1;
        depth++;
        lx_next(&x);
      }
      while (x.type == LX_NAME && !lx_keyword(&x)) {
        lx_mark(L, names, &x);
        lua_pushlstring(L, x.tok, x.len);
        if (lua_rawget(L, seen) == LUA_TNIL) {
          lx_mark(L, seen, &x);
          lua_pushlstring(L, x.tok, x.len);
          lua_rawseti(L, decl, (lua_Integer)lua_rawlen(L, decl) + 1);
        }
        lua_pop(L, 1);
        lx_next(&x);
        if (fn) break;
        if (lx_is(&x, "<")) { /* an attribute: <const>, <close> */
          lx_next(&x);
          lx_next(&x);
          if (lx_is(&x, ">")) lx_next(&x);
        }
        if (!lx_is(&x, ",")) break;
        lx_next(&x);
      }
      field = 0;
      continue; /* x is the token after the declaration: look at it again */
    }
    field = x.type == LX_OTHER && (lx_is(&x, ".") || lx_is(&x, ":"));
    lx_next(&x);
  }
  return ret;
}

/* --- the kept variables */

/* Push a new closure with a fresh variable (nil) as its one upvalue. */
static void new_cell(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, cell_key) != LUA_TFUNCTION) {
    static const char maker[] = "local v; return function() return v end";
    lua_pop(L, 1);
    if (luaL_loadbuffer(L, maker, sizeof maker - 1, "=(repl)") != LUA_OK) lua_error(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, cell_key);
  }
  lua_call(L, 0, 1);
}

void repl_push_locals(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, locals_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, locals_key);
  }
}

/* The index of f's upvalue named name (f at idx), or 0. */
static int upvalue_named(lua_State *L, int idx, const char *name) {
  int i;
  const char *n;
  for (i = 1; (n = lua_getupvalue(L, idx, i)) != NULL; i++) {
    lua_pop(L, 1);
    if (strcmp(n, name) == 0) return i;
  }
  return 0;
}

/* __nnlab_keep(f, names...): keep the variables f captures under names; a
   name that f has no variable for (a compile-time <const>) keeps its value. */
static int loc_keep(lua_State *L) {
  int n = lua_gettop(L), i, values = 0;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  for (i = 2; i <= n; i++)
    if (upvalue_named(L, 1, luaL_checkstring(L, i)) == 0) values = 1;
  repl_push_locals(L); /* at n + 1 */
  if (values) { /* f's values, name i's at n + i */
    lua_pushvalue(L, 1);
    lua_call(L, 0, n - 1);
  }
  for (i = 2; i <= n; i++) {
    const char *name = lua_tostring(L, i);
    int j = upvalue_named(L, 1, name);
    new_cell(L);
    if (j > 0) {
      lua_upvaluejoin(L, -1, 1, 1, j);
    } else {
      lua_pushvalue(L, n + i);
      lua_setupvalue(L, -2, 1);
    }
    lua_setfield(L, n + 1, name);
  }
  return 0;
}

/* Whether s[0 .. len) has "--" (a comment, or the text of one). */
static int has_dashes(const char *s, size_t len) {
  size_t i;
  for (i = 0; i + 1 < len; i++)
    if (s[i] == '-' && s[i + 1] == '-') return 1;
  return 0;
}

/* __nnlab_pass(...): its arguments. */
static int loc_pass(lua_State *L) {
  return lua_gettop(L);
}

/*
 * Compile an entry (run under lua_pcall).  Arguments: the text, whether it is
 * an expression (compiled as return __nnlab_pass(text)).  Returns F, its
 * kept locals joined; or nil and the message.
 */
int repl_compile_entry(lua_State *L) {
  size_t len, ret, i, n, npre;
  const char *s = luaL_checklstring(L, 1, &len);
  int expr = lua_toboolean(L, 2), attempt;
  enum { KEPT = 3, NAMES, DECL, SEEN, PRE };
  luaL_Buffer b;
  lua_settop(L, 2);
  repl_push_locals(L);
  lua_newtable(L);
  lua_newtable(L);
  lua_newtable(L);
  lua_newtable(L);
  ret = scan_chunk(L, s, len, NAMES, DECL, SEEN);
  n = lua_rawlen(L, DECL);
  lua_pushnil(L);
  while (lua_next(L, KEPT)) { /* the kept locals the entry names */
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    if (strcmp(lua_tostring(L, -1), "_ENV") == 0 || lua_rawget(L, NAMES) != LUA_TNIL) {
      lua_pushvalue(L, -2);
      lua_rawseti(L, PRE, (lua_Integer)lua_rawlen(L, PRE) + 1);
    }
    lua_pop(L, 1);
  }
  npre = lua_rawlen(L, PRE);
  if (npre > LOC_PRELUDE_MAX) {
    lua_pushnil(L);
    lua_pushfstring(L, "stdin:1: an entry can name at most %d of the kept locals (it names %d)",
                    LOC_PRELUDE_MAX, (int)npre);
    return 2;
  }
  for (attempt = expr || n == 0; attempt < 2; attempt++) {
    luaL_buffinit(L, &b);
    for (i = 1; i <= npre; i++) {
      luaL_addstring(&b, "local ");
      lua_rawgeti(L, PRE, (lua_Integer)i);
      luaL_addvalue(&b);
      luaL_addchar(&b, ';');
    }
    luaL_addstring(&b, "local " LOC_PASS "," LOC_KEEP "=...;return function(...)");
    if (expr) {
      /* the ) on a line of its own only after a possible comment: the
         operands are put in registers at the ), which sets the line that
         a runtime error in the expression names */
      luaL_addstring(&b, "return " LOC_PASS "(");
      luaL_addlstring(&b, s, len);
      luaL_addstring(&b, has_dashes(s, len) ? "\n)" : ")");
    } else if (attempt == 1) { /* without keeping its locals */
      luaL_addlstring(&b, s, len);
    } else {
      luaL_addlstring(&b, s, ret);
      luaL_addstring(&b, ret < len ? ";" : "\n;");
      luaL_addstring(&b, LOC_KEEP "(function()return ");
      for (i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, ',');
        lua_rawgeti(L, DECL, (lua_Integer)i);
        luaL_addvalue(&b);
      }
      luaL_addstring(&b, " end");
      for (i = 1; i <= n; i++) {
        luaL_addstring(&b, ",\"");
        lua_rawgeti(L, DECL, (lua_Integer)i);
        luaL_addvalue(&b);
        luaL_addchar(&b, '"');
      }
      luaL_addstring(&b, ") ");
      luaL_addlstring(&b, s + ret, len - ret);
    }
    luaL_addstring(&b, "\nend");
    luaL_pushresult(&b);
    if (luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin") == LUA_OK) break;
    if (attempt == 1) { /* e.g. too many locals */
      lua_pushnil(L);
      lua_insert(L, -2);
      return 2;
    }
    lua_pop(L, 2);
  }
  lua_pushcfunction(L, loc_pass);
  lua_pushcfunction(L, loc_keep);
  lua_call(L, 2, 1);
  {
    int f = lua_gettop(L), j;
    const char *name;
    for (j = 1; (name = lua_getupvalue(L, f, j)) != NULL; j++) {
      lua_pop(L, 1);
      if (lua_getfield(L, KEPT, name) == LUA_TFUNCTION) lua_upvaluejoin(L, f, j, -1, 1);
      lua_pop(L, 1);
    }
  }
  return 1;
}

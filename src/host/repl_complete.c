/*
 * repl_complete.c -- Tab completion at the REPL's prompt: Lua names, looked
 * up raw in the kept locals (repl_locals.c), the globals and their tables,
 * through chains of fields and constant indexes (net.modules[1].W, t['k']:f),
 * and inside the string given to a module's function (ex.show('fea<Tab>)
 * from the module's __complete hook.  Nothing the user wrote runs: the chain
 * is parsed here and looked up with raw accesses, following __index only
 * where it is a table.
 */
#include <ctype.h>
#include <stdio.h> /* before readline.h, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include <lua.h>
#include <lauxlib.h>

#include "repl_private.h"

static lua_State *replL; /* the REPL's state, whose names are completed */

static const char *const keywords[] = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
  "true", "until", "while", NULL
};

typedef struct Names {
  char **v;
  size_t n, cap;
} Names;

static Names found;        /* the candidates of the current completion */
static size_t found_next;  /* for the generator */

static void names_clear(Names *ns) {
  size_t i;
  for (i = 0; i < ns->n; i++) free(ns->v[i]);
  free(ns->v);
  ns->v = NULL;
  ns->n = ns->cap = 0;
}

static void names_add(Names *ns, const char *s) {
  char *copy;
  if (ns->n == ns->cap) {
    size_t cap = ns->cap ? 2 * ns->cap : 64;
    char **v = realloc(ns->v, cap * sizeof *v);
    if (v == NULL) return;
    ns->v = v;
    ns->cap = cap;
  }
  copy = strdup(s);
  if (copy != NULL) ns->v[ns->n++] = copy;
}

static int is_keyword(const char *s) {
  int i;
  for (i = 0; keywords[i] != NULL; i++)
    if (strcmp(s, keywords[i]) == 0) return 1;
  return 0;
}

static int is_name(const char *s) {
  const char *p;
  if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (p = s; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_')) return 0;
  return !is_keyword(s);
}

/*
 * Replace the value on the top of the stack by the next table to look in
 * for its fields: its metatable's __index when that is a table (or a C
 * function's first upvalue, a table: the C classes' methods), or nil.
 * Raw access only: no metamethod is ever called.
 */
static void next_index(lua_State *L) {
  if (lua_getmetatable(L, -1)) {
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2); /* metatable */
    if (lua_iscfunction(L, -1) && lua_getupvalue(L, -1, 1) != NULL)
      lua_remove(L, -2); /* a C class's __index: its methods in upvalue 1 */
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      lua_pushnil(L);
    }
  } else {
    lua_pushnil(L);
  }
  lua_remove(L, -2);
}

/* Replace the value under the top by its field whose key is on the top,
   looked up raw in it and its chain of __index tables; nil when not found. */
static void raw_index(lua_State *L) {
  int depth;
  lua_pushvalue(L, -2);
  for (depth = 0; depth < 32 && !lua_isnil(L, -1); depth++) {
    if (lua_istable(L, -1)) {
      lua_pushvalue(L, -2);
      if (lua_rawget(L, -2) != LUA_TNIL) {
        lua_replace(L, -4);
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
    }
    next_index(L);
  }
  lua_pop(L, 3);
  lua_pushnil(L);
}

/* The raw field __complete of the metatable of the value on the top, when
   it is a function: pushed (and 1 returned), or nothing pushed. */
static int complete_hook(lua_State *L) {
  if (lua_getmetatable(L, -1)) {
    lua_pushliteral(L, "__complete");
    if (lua_rawget(L, -2) == LUA_TFUNCTION) {
      lua_remove(L, -2);
      return 1;
    }
    lua_pop(L, 2);
  }
  return 0;
}

/* Add the names in the value on the top of the stack (and its __index
   chain) that start with prefix; with methods, only those of functions. */
static void collect(lua_State *L, Names *ns, const char *prefix, int methods) {
  size_t plen = strlen(prefix);
  int depth;
  lua_pushvalue(L, -1);
  for (depth = 0; depth < 32 && !lua_isnil(L, -1); depth++) {
    if (lua_istable(L, -1)) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && (!methods || lua_isfunction(L, -1))) {
          const char *k = lua_tostring(L, -2);
          if (strncmp(k, prefix, plen) == 0 && is_name(k) &&
              !(k[0] == '_' && k[1] == '_' && prefix[0] != '_'))
            names_add(ns, k);
        }
        lua_pop(L, 1);
      }
    }
    next_index(L);
  }
  lua_pop(L, 1);
}

/*
 * Add the names the library offers after obj<sep> for the object on the top
 * of the stack, by its metatable's __name (nnlab.complete's members: a
 * matrix's methods, the fields of a C object).  Returns whether those are
 * the only ones to offer.
 */
static int collect_members(lua_State *L, Names *ns, const char *prefix, char sep) {
  int only = 0, i;
  if (!lua_getmetatable(L, -1)) return 0;
  lua_pushliteral(L, "__name");
  if (lua_rawget(L, -2) != LUA_TSTRING) {
    lua_pop(L, 2);
    return 0;
  }
  lua_getglobal(L, "require"); /* the library's own: not a user's function */
  if (lua_tocfunction(L, -1) == NULL) {
    lua_pop(L, 3);
    return 0;
  }
  lua_pushliteral(L, "nnlab.complete");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "members");
  lua_pushvalue(L, -3);
  lua_pushlstring(L, &sep, 1);
  lua_call(L, 2, 2);
  if (lua_istable(L, -2)) {
    only = lua_toboolean(L, -1);
    for (i = 1; lua_rawgeti(L, -2, i) == LUA_TSTRING; i++) {
      const char *k = lua_tostring(L, -1);
      if (strncmp(k, prefix, strlen(prefix)) == 0 && is_name(k)) names_add(ns, k);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 5);
  return only;
}

typedef struct Completion {
  const char *path; /* the chain before the separator ("net.modules[1]"),
                       or NULL for the names in scope */
  char sep;         /* '.' or ':'; or a quote: in a string given to path */
  const char *fname;/* with a quote: the function the string is given to */
  const char *text; /* the word being completed */
  const char *before; /* with a quote: the string's text before text */
  size_t skip;        /* and its length */
} Completion;

/*
 * Push the value of the chain c->path: a name, then .name, [number] or
 * ['string'] (or "string") any number of times.  Raw lookups only; nil when
 * the chain is not of that form or a step is not found.  The name is a kept
 * local of the session if there is one, else a global.
 */
static void push_chain(lua_State *L, const char *p) {
  size_t n = 0;
  while (isalnum((unsigned char)p[n]) || p[n] == '_') n++;
  if (n == 0 || isdigit((unsigned char)p[0])) {
    lua_pushnil(L);
    return;
  }
  repl_push_locals(L);
  lua_pushlstring(L, p, n);
  if (lua_rawget(L, -2) == LUA_TFUNCTION) {
    if (lua_getupvalue(L, -1, 1) == NULL) lua_pushnil(L);
    lua_replace(L, -3);
    lua_pop(L, 1);
  } else {
    lua_pop(L, 2);
    lua_pushglobaltable(L);
    lua_pushlstring(L, p, n);
    lua_rawget(L, -2);
    lua_remove(L, -2);
  }
  p += n;
  while (*p && !lua_isnil(L, -1)) {
    if (*p == '.') {
      for (p++, n = 0; isalnum((unsigned char)p[n]) || p[n] == '_'; n++) {}
      if (n == 0) break;
      lua_pushlstring(L, p, n);
    } else if (p[0] == '[' && (p[1] == '\'' || p[1] == '"')) {
      const char *q = strchr(p + 2, p[1]);
      if (q == NULL || q[1] != ']' || memchr(p + 2, '\\', (size_t)(q - p - 2)) != NULL) break;
      lua_pushlstring(L, p + 2, (size_t)(q - p - 2));
      n = (size_t)(q - p) + 2;
    } else if (p[0] == '[') {
      char num[64];
      const char *q = strchr(p, ']');
      if (q == NULL || (size_t)(q - p) >= sizeof num) break;
      memcpy(num, p + 1, (size_t)(q - p) - 1);
      num[q - p - 1] = '\0';
      if (num[0] == '\0' || strspn(num, "0123456789.-+eExXabcdefABCDEF") != strlen(num) ||
          lua_stringtonumber(L, num) == 0)
        break;
      n = (size_t)(q - p) + 1;
    } else {
      break;
    }
    p += n;
    raw_index(L);
  }
  if (*p) { /* not a chain of that form */
    lua_pop(L, 1);
    lua_pushnil(L);
  }
}

static int complete_in_lua(lua_State *L) {
  const Completion *c = (const Completion *)lua_touserdata(L, 1);
  size_t tlen = strlen(c->text);
  lua_settop(L, 0);
  luaL_checkstack(L, 80, NULL);
  if (c->sep == '\'' || c->sep == '"') { /* a string given to a module's function */
    int i;
    push_chain(L, c->path);
    if (lua_isnil(L, -1) || !complete_hook(L)) return 0;
    lua_pushstring(L, c->fname);
    lua_call(L, 1, 1);
    if (!lua_istable(L, -1)) return 0;
    for (i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      /* the part from the cursor's word on, of those that go on the string so far */
      if (n >= c->skip + tlen && strncmp(s, c->before, c->skip) == 0
          && strncmp(s + c->skip, c->text, tlen) == 0)
        names_add(&found, s + c->skip);
      lua_pop(L, 1);
    }
    return 0;
  }
  if (c->path == NULL) {
    int i;
    lua_pushglobaltable(L);
    collect(L, &found, c->text, 0);
    repl_push_locals(L);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      const char *k = lua_tostring(L, -2);
      if (strncmp(k, c->text, tlen) == 0 && is_name(k)) names_add(&found, k);
      lua_pop(L, 1);
    }
    for (i = 0; keywords[i] != NULL; i++)
      if (strncmp(keywords[i], c->text, tlen) == 0) names_add(&found, keywords[i]);
    return 0;
  }
  push_chain(L, c->path);
  if (!lua_isnil(L, -1) && !collect_members(L, &found, c->text, c->sep))
    collect(L, &found, c->text, c->sep == ':');
  return 0;
}

static char *generator(const char *text, int state) {
  (void)text;
  if (state == 0) found_next = 0;
  if (found_next < found.n) return strdup(found.v[found_next++]);
  return NULL;
}

/* Where the string the cursor is in, in line[0 .. end), starts (its quote),
   or -1 when it is not in a string.  Comments and long strings end it. */
static int string_start(const char *line, int end) {
  int i, q = -1;
  for (i = 0; i < end; i++) {
    char ch = line[i];
    if (q >= 0) {
      if (ch == '\\') i++;
      else if (ch == line[q]) q = -1;
    } else if (ch == '\'' || ch == '"') {
      q = i;
    } else if (ch == '[' && (line[i + 1] == '[' || line[i + 1] == '=')) {
      return -1;
    } else if (ch == '-' && line[i + 1] == '-') {
      return -1;
    }
  }
  return q;
}

/* The start of the chain (names, '.', and [...] groups) that ends at
   line[i] (exclusive). */
static int chain_start(const char *line, int i) {
  while (i > 0) {
    char ch = line[i - 1];
    if (isalnum((unsigned char)ch) || ch == '_' || ch == '.') {
      i--;
    } else if (ch == ']') {
      int k = i - 2;
      while (k >= 0 && line[k] != '[') k--;
      if (k < 0) return i;
      i = k;
    } else {
      break;
    }
  }
  return i;
}

/* rl_attempted_completion_function: Lua names only, never file names. */
static char **complete(const char *text, int start, int end) {
  Completion c;
  char *path = NULL;
  char **matches = NULL;
  int q;
  rl_attempted_completion_over = 1;
  rl_completion_append_character = '\0';
  c.path = NULL;
  c.sep = 0;
  c.fname = NULL;
  c.text = text;
  c.before = NULL;
  c.skip = 0;
  q = string_start(rl_line_buffer, start);
  if (q >= 0) { /* in a string: that given to mod.fn( */
    int k = q, j, dot;
    (void)end;
    while (k > 0 && isspace((unsigned char)rl_line_buffer[k - 1])) k--;
    if (k > 0 && rl_line_buffer[k - 1] == '(') k--;
    while (k > 0 && isspace((unsigned char)rl_line_buffer[k - 1])) k--;
    for (j = k; j > 0 && (isalnum((unsigned char)rl_line_buffer[j - 1]) ||
                          rl_line_buffer[j - 1] == '_' || rl_line_buffer[j - 1] == '.'); j--) {}
    for (dot = k - 1; dot > j && rl_line_buffer[dot] != '.'; dot--) {}
    if (dot <= j || dot == k - 1) return NULL;
    path = malloc((size_t)(k - j) + 1);
    if (path == NULL) return NULL;
    memcpy(path, rl_line_buffer + j, (size_t)(k - j));
    path[k - j] = '\0';
    path[dot - j] = '\0';
    c.path = path;
    c.fname = path + (dot - j) + 1;
    c.sep = rl_line_buffer[q];
    c.before = rl_line_buffer + q + 1;
    c.skip = (size_t)(start - q - 1);
  } else if (start > 0 && (rl_line_buffer[start - 1] == '.' || rl_line_buffer[start - 1] == ':')) {
    int i = start - 1, j = chain_start(rl_line_buffer, i);
    c.sep = rl_line_buffer[i];
    path = malloc((size_t)(i - j) + 1);
    if (path == NULL) return NULL;
    memcpy(path, rl_line_buffer + j, (size_t)(i - j));
    path[i - j] = '\0';
    /* a chain: a.b[1]['c'] (push_chain checks the rest) */
    if (!isalpha((unsigned char)path[0]) && path[0] != '_') goto done;
    if (strstr(path, "..") != NULL || path[strlen(path) - 1] == '.') goto done;
    if (j > 0 && (rl_line_buffer[j - 1] == ':' || rl_line_buffer[j - 1] == ')')) goto done;
    c.path = path;
  } else {
    int i;
    for (i = 0; i < start && isspace((unsigned char)rl_line_buffer[i]); i++) {}
    if (i == start && text[0] == '\0') { /* Tab at the start of a line: indent */
      matches = calloc(2, sizeof *matches);
      if (matches != NULL && (matches[0] = strdup("  ")) == NULL) {
        free(matches);
        matches = NULL;
      }
      return matches;
    }
  }
  names_clear(&found);
  lua_pushcfunction(replL, complete_in_lua);
  lua_pushlightuserdata(replL, &c);
  if (lua_pcall(replL, 1, 0, 0) != LUA_OK) lua_pop(replL, 1);
  if (found.n > 0) {
    matches = rl_completion_matches(text, generator);
    if (c.fname != NULL && found.n == 1) rl_completion_append_character = c.sep; /* close it */
  }
  names_clear(&found);
done:
  free(path);
  return matches;
}

void repl_complete_open(lua_State *L) {
  replL = L;
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(+-*/%^~#,[]).:}";
  rl_attempted_completion_function = complete;
}

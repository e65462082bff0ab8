/*
 * repl_complete.c -- Tab completion at the REPL's prompt: Lua names, looked
 * up raw in the globals and their tables.
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
 * for its fields: its metatable's __index when that is a table, or nil.
 * Raw access only: no metamethod is ever called.
 */
static void next_index(lua_State *L) {
  if (lua_getmetatable(L, -1)) {
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2); /* metatable */
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      lua_pushnil(L);
    }
  } else {
    lua_pushnil(L);
  }
  lua_remove(L, -2);
}

/* Replace the value on the top by its field k, looked up raw in it and its
   chain of __index tables; nil when not found. */
static void raw_field(lua_State *L, const char *k) {
  int depth;
  lua_pushvalue(L, -1);
  for (depth = 0; depth < 32 && !lua_isnil(L, -1); depth++) {
    if (lua_istable(L, -1)) {
      lua_pushstring(L, k);
      if (lua_rawget(L, -2) != LUA_TNIL) {
        lua_remove(L, -2);
        lua_remove(L, -2);
        return;
      }
      lua_pop(L, 1);
    }
    next_index(L);
  }
  lua_pop(L, 2);
  lua_pushnil(L);
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

typedef struct Completion {
  const char *path; /* "a.b" before the separator, or NULL for globals */
  char sep;         /* '.' or ':' */
  const char *text; /* the word being completed */
} Completion;

static int complete_in_lua(lua_State *L) {
  const Completion *c = (const Completion *)lua_touserdata(L, 1);
  lua_settop(L, 0);
  luaL_checkstack(L, 80, NULL);
  lua_pushglobaltable(L);
  if (c->path == NULL) {
    int i;
    collect(L, &found, c->text, 0);
    for (i = 0; keywords[i] != NULL; i++)
      if (strncmp(keywords[i], c->text, strlen(c->text)) == 0) names_add(&found, keywords[i]);
    return 0;
  }
  {
    const char *p = c->path;
    while (*p && !lua_isnil(L, -1)) {
      char name[256];
      const char *dot = strchr(p, '.');
      size_t len = dot ? (size_t)(dot - p) : strlen(p);
      if (len >= sizeof name) return 0;
      memcpy(name, p, len);
      name[len] = '\0';
      raw_field(L, name);
      p += len + (dot != NULL);
    }
  }
  if (!lua_isnil(L, -1)) collect(L, &found, c->text, c->sep == ':');
  return 0;
}

static char *generator(const char *text, int state) {
  (void)text;
  if (state == 0) found_next = 0;
  if (found_next < found.n) return strdup(found.v[found_next++]);
  return NULL;
}

/* rl_attempted_completion_function: Lua names only, never file names. */
static char **complete(const char *text, int start, int end) {
  Completion c;
  char *path = NULL;
  char **matches = NULL;
  (void)end;
  rl_attempted_completion_over = 1;
  rl_completion_append_character = '\0';
  c.path = NULL;
  c.sep = 0;
  c.text = text;
  if (start > 0 && (rl_line_buffer[start - 1] == '.' || rl_line_buffer[start - 1] == ':')) {
    int i = start - 1, j = i;
    c.sep = rl_line_buffer[i];
    while (j > 0 && (isalnum((unsigned char)rl_line_buffer[j - 1]) ||
                     rl_line_buffer[j - 1] == '_' || rl_line_buffer[j - 1] == '.'))
      j--;
    path = malloc((size_t)(i - j) + 1);
    if (path == NULL) return NULL;
    memcpy(path, rl_line_buffer + j, (size_t)(i - j));
    path[i - j] = '\0';
    /* a chain of names: a.b.c */
    if (!isalpha((unsigned char)path[0]) && path[0] != '_') goto done;
    if (strstr(path, "..") != NULL || path[strlen(path) - 1] == '.') goto done;
    if (j > 0 && (rl_line_buffer[j - 1] == ':' || rl_line_buffer[j - 1] == ')' ||
                  rl_line_buffer[j - 1] == ']')) goto done;
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
  if (found.n > 0) matches = rl_completion_matches(text, generator);
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

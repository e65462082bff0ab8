/*
 * repl_fuzz.c -- libFuzzer harness for the REPL's handling of what is typed:
 * compiling an entry (as "return <entry>" or as statements, "expr;" and
 * "expr;  -- comment" quiet, continuation lines while the chunk is
 * incomplete, the error of an entry cut short by end of input, the entry
 * compiled again to keep its top-level locals), Tab completion at every
 * place in a line (chains of indexes, strings given to ex.* and data.load),
 * and the shortening of tracebacks.
 *
 * It includes src/host/repl.c, repl_complete.c, repl_locals.c and
 * repl_sigint.c themselves, so that it drives the REPL's own static
 * functions (compile, push_unfinished_error, complete, shape_error) without
 * a terminal; nothing typed is run (the setup runs a few entries of its own,
 * so that there are kept locals to join and complete).  The input is split into lines, fed
 * to the entry reader's logic one by one; at each line every cursor
 * position at the end of a word is completed against the globals of a state
 * with the nnlab library loaded, as the REPL has them.
 *
 * Checks: no crash or sanitizer report; the Lua stack is as the functions
 * promise (a function or a message on success or error, nothing while
 * incomplete); an entry ending in ';' is never shown; completions are names.
 */
#include <stdint.h>

#include "../../src/host/repl.c"
#include "../../src/host/repl_complete.c"
#include "../../src/host/repl_locals.c"
#include "../../src/host/repl_sigint.c"
#include "preload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lua_State *FL;

static void setup(void) {
  FL = luaL_newstate();
  if (FL == NULL)
    abort();
  luaL_openlibs(FL);
  preload_library(FL);
  if (luaL_dostring(FL, "for k, v in pairs(require 'nnlab') do _G[k] = v end\n"
                        "A = matrix.eye(2); net = nn.Sequential({nn.Linear(2, 2)}, nn.Squared())\n"
                        "t = setmetatable({x = 1}, {__index = function() error('no') end})") != LUA_OK) {
    fprintf(stderr, "%s\n", lua_tostring(FL, -1));
    abort();
  }
  {  /* kept locals, made as the REPL makes them */
    static const char *const entries[] = {
      "local features = {phi = function(x) return x end, labels = {1, -1}}",
      "local kept, other <const> = 1, 2", "local function f(n) return n end", NULL
    };
    const char *const *e;
    for (e = entries; *e != NULL; e++) {
      int show;
      lua_pushstring(FL, *e);
      if (compile(FL, &show) != CHUNK_OK || lua_pcall(FL, 0, 0, 0) != LUA_OK)
        abort();
      lua_settop(FL, 0);
    }
  }
  setenv("NNLAB_HISTORY", "", 1);  /* no history file */
  readline_open(FL);
}

/* Complete at every position of line where a word ends. */
static void complete_line(char *line, size_t len) {
  size_t end;
  int top = lua_gettop(FL);  /* an unfinished entry may be there */
  rl_line_buffer = line;
  for (end = 0; end <= len; end++) {
    size_t start = end;
    char **matches, **p;
    char *text;
    if (end < len && strchr(rl_basic_word_break_characters, line[end]) == NULL)
      continue;  /* not the end of a word */
    while (start > 0 && strchr(rl_basic_word_break_characters, line[start - 1]) == NULL)
      start--;
    text = strndup(line + start, end - start);
    if (text == NULL)
      abort();
    matches = complete(text, (int)start, (int)end);
    if (lua_gettop(FL) != top)
      abort();
    for (p = matches; p != NULL && *p != NULL; p++) {
      if (p != matches && strncmp(*p, text, strlen(text)) != 0)
        abort();  /* a completion of something else */
      free(*p);
    }
    free(matches);
    free(text);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data, *end = s + size;
  int pending = 0;  /* an incomplete entry is on the stack */
  char *copy;
  if (FL == NULL)
    setup();
  lua_settop(FL, 0);
  while (s < end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
    int show, c, top;
    char *line = strndup(s, len);  /* a line stops at a NUL, as getline's C string does */
    if (line == NULL)
      abort();
    s += len + (nl != NULL);
    if (pending) {
      lua_pushliteral(FL, "\n");
      lua_pushstring(FL, line);
      lua_concat(FL, 3);
    } else {
      lua_pushstring(FL, line);
    }
    top = lua_gettop(FL);
    c = compile(FL, &show);
    if (c == CHUNK_INCOMPLETE) {
      if (lua_gettop(FL) != top)
        abort();
      pending = 1;
    } else {
      size_t n;
      const char *entry = lua_tolstring(FL, -2, &n);
      if (lua_gettop(FL) != top + 1)
        abort();
      if (c == CHUNK_OK ? !lua_isfunction(FL, -1) : !lua_isstring(FL, -1))
        abort();
      while (n > 0 && isspace((unsigned char)entry[n - 1]))
        n--;
      if (show && n > 0 && entry[n - 1] == ';' && c == CHUNK_OK)
        abort();  /* "expr;" is quiet */
      lua_settop(FL, 0);
      pending = 0;
    }
    complete_line(line, strlen(line));
    free(line);
  }
  if (pending) {  /* end of input inside an entry */
    push_unfinished_error(FL);
    if (lua_gettop(FL) != 2 || !lua_isstring(FL, -1))
      abort();
  }
  lua_settop(FL, 0);
  /* The input as an error message with a traceback to shorten. */
  copy = malloc(size + 1);
  if (copy == NULL)
    abort();
  memcpy(copy, data, size);
  copy[size] = '\0';
  {
    static const char header[] = "\nstack traceback:\n";
    size_t len = strlen(copy), n;
    char *out = malloc(len + 1);
    if (out == NULL)
      abort();
    n = shape_error(copy, len, out);
    if (n > len || (strstr(copy, header) == NULL && (n != len || memcmp(out, copy, n) != 0)))
      abort();  /* longer, or changed without a traceback */
    free(out);
  }
  free(copy);
  lua_gc(FL, LUA_GCSTEP, 0);
  return 0;
}
